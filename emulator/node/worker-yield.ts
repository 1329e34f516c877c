// How v86 gives the thread back between two time slices, inside a browser's Web Worker.

export interface V86YieldingLoop {
	yield(ms: number, tick: number): void;
	yield_callback(tick: number): void;
	unregister_yield(): void;
}

interface PostTaskScheduler {
	postTask(callback: () => void, options: { delay: number }): Promise<unknown>;
}

/**
 * In a Web Worker v86 yields every slice through a second Worker it creates for the purpose: each slice ends with a
 * message to that thread and waits for its answer, even when the guest is busy and wants to run again at once
 * (v86 `src/main.js`; under Node.js it uses setImmediate). Here a busy guest continues through a MessageChannel on
 * its own thread, and a halted one sleeps with `scheduler.postTask`'s delay (setTimeout where there is none; its
 * clamping of nested timers does not apply to tasks started from messages). The nested Worker is ended.
 */
export function yieldWithinWorker(loop: V86YieldingLoop, scheduler = (globalThis as { scheduler?: PostTaskScheduler }).scheduler) {
	const channel = new MessageChannel();
	channel.port1.onmessage = (event: MessageEvent<number>) => loop.yield_callback(event.data);
	loop.yield = (ms, tick) => {
		if (ms < 1) channel.port2.postMessage(tick);
		else if (scheduler) void scheduler.postTask(() => loop.yield_callback(tick), { delay: ms });
		else setTimeout(() => loop.yield_callback(tick), ms);
	};
	loop.unregister_yield();
	return () => channel.port1.close();
}
