/**
 * UnansweredPacket stands for a packet the client had not answered for when `sendPackets`
 * stopped waiting (after `sendTimeoutMs`). The packet may or may not have gone out; the client's
 * answer can still come, and `onAnswer` hears it.
 */
export class UnansweredPacket {
  private answer: { readonly error: Error | undefined } | undefined;
  private listener: ((error: Error | undefined) => void) | undefined;

  /**
   * Calls `listener` once with the client's late answer: undefined when the packet was sent,
   * the error otherwise. Calls it at once when the answer already came. One listener only.
   */
  onAnswer(listener: (error: Error | undefined) => void): void {
    if (this.answer !== undefined) listener(this.answer.error);
    else this.listener = listener;
  }

  /** Records the client's answer (the first one counts) and passes it to the listener. */
  answered(error: Error | undefined): void {
    if (this.answer !== undefined) return;
    this.answer = { error };
    this.listener?.(error);
  }
}
