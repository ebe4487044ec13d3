/**
 * Lets a fake platform go quiet mid-send: while holding, requests are recorded but their answers wait until
 * `release()`. Tests use it to keep a chat's turn busy (a reply in flight) for as long as they need.
 */
export class HeldAnswers {
  private held: Array<() => void> | undefined;

  /** Answers now, or later if holding. */
  answer(send: () => void): void {
    if (this.held === undefined) send();
    else this.held.push(send);
  }

  /** From now on, record requests but do not answer them. */
  hold(): void {
    this.held ??= [];
  }

  get count(): number {
    return this.held?.length ?? 0;
  }

  /** Answers every held request and stops holding. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const send of held) send();
  }
}
