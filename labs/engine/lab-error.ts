// Content errors that name the file and line an author must fix: "labs/01-form-swarm/chapter.yaml:14: …".

export class LabError extends Error {
	/** Every problem this error reports (itself alone, or the list of an aggregate). */
	readonly errors: LabError[];

	constructor(
		/** Shown as written: `labs/01-form-swarm/chapter.yaml`. */
		readonly file: string,
		readonly line: number | undefined,
		readonly problem: string,
		errors?: LabError[],
	) {
		super(errors ? `${errors.length} problems in the labs:\n${errors.map((e) => `  ${e.message}`).join('\n')}` : `${file}${line ? `:${line}` : ''}: ${problem}`);
		this.name = 'LabError';
		this.errors = errors ?? [this];
	}

	/** One error as itself; several as one aggregate that lists them all. */
	static of(errors: LabError[]): LabError {
		if (errors.length === 1) return errors[0];
		const first = errors[0];
		return new LabError(first.file, first.line, `${errors.length} problems`, errors);
	}
}

/** Collects the problems of one file, so a loader reports all of them at once. */
export class ErrorSink {
	constructor(
		readonly file: string,
		readonly errors: LabError[] = [],
	) {}

	add(line: number | undefined, problem: string) {
		this.errors.push(new LabError(this.file, line, problem));
	}

	forFile(file: string): ErrorSink {
		return new ErrorSink(file, this.errors);
	}
}
