/** A small typed event emitter: listeners per event name, unsubscribe by the returned function. */

export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(ev: never) => void>>();

  on<E extends keyof Events>(event: E, fn: (ev: Events[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(fn as (ev: never) => void);
    return () => {
      set.delete(fn as (ev: never) => void);
    };
  }

  emit<E extends keyof Events>(event: E, ev: Events[E]): void {
    for (const fn of [...(this.listeners.get(event) ?? [])]) (fn as (ev: Events[E]) => void)(ev);
  }
}
