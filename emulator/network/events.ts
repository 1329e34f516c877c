// A typed event emitter: names and payloads declared once in a map, on() returns its unsubscribe.

export class Events<EventMap> {
	private readonly listeners = new Map<keyof EventMap, Set<(value: never) => void>>();

	on<Name extends keyof EventMap>(name: Name, listener: (value: EventMap[Name]) => void): () => void {
		let set = this.listeners.get(name);
		if (!set) this.listeners.set(name, (set = new Set()));
		set.add(listener);
		return () => void set.delete(listener);
	}

	emit<Name extends keyof EventMap>(name: Name, value: EventMap[Name]) {
		const set = this.listeners.get(name);
		if (!set) return;
		for (const listener of set) (listener as (value: EventMap[Name]) => void)(value);
	}

	clear() {
		this.listeners.clear();
	}
}
