// A halted guest should cost the host nothing between two timer interrupts.

interface V86Loop {
	yield(ms: number, tick: number): void;
}

/**
 * When the guest executes HLT, v86 sleeps until its next timer event, but any wait under 1 ms is spun with
 * setImmediate (or an immediate message in a browser), and timers round 3.9 ms down to 3 ms. Debian's i386
 * kernels tick at 250 Hz with no tickless idle, so each idle tick ended in up to 1 ms of spinning: an idle node
 * kept a quarter of a host core busy. Rounding the wait up to whole milliseconds makes a tick at most 1 ms late
 * and lets the thread sleep; a running guest (wait 0) and device wake-ups are unchanged.
 */
export function sleepWholeMilliseconds(loop: V86Loop) {
	const original = loop.yield.bind(loop);
	loop.yield = (ms, tick) => original(ms > 0 ? Math.ceil(ms) : ms, tick);
}
