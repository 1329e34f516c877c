// What the grader tells a student, as message keys with parameters, and their French and English wordings.
import type { Language } from './types.ts';

export type MessageCode =
	| 'exec-passed'
	| 'exit-mismatch'
	| 'stdout-mismatch'
	| 'stdout-forbidden'
	| 'node-unavailable'
	| 'capture-unavailable'
	| 'capture-window-lost'
	| 'no-evidence'
	| 'vni-unreadable'
	| 'frames-seen'
	| 'frames-missing'
	| 'no-frames'
	| 'frames-forbidden'
	| 'no-answer'
	| 'answer-correct'
	| 'answer-wrong'
	| 'answer-not-number'
	| 'answer-not-computable';

export type MessageParams = Record<string, string | number>;

export interface Message {
	code: MessageCode;
	params: MessageParams;
}

export const messages: Record<Language, Record<MessageCode, string>> = {
	en: {
		'exec-passed': 'Checked on {node}: the machine is in the expected state.',
		'exit-mismatch': 'On {node}, the check command ended with code {actual} instead of {expected}.',
		'stdout-mismatch': 'On {node}, the output does not show what was expected yet.',
		'stdout-forbidden': 'On {node}, the output still shows something that should be gone: “{line}”.',
		'node-unavailable': '{node} cannot be checked right now ({reason}). Wait a moment and try again.',
		'capture-unavailable': 'The capture of the virtual network cannot be read right now ({reason}).',
		'capture-window-lost': 'This check cannot be evaluated: the capture no longer holds every frame since this step began. Run the step’s commands again, then check.',
		'no-evidence': 'No traffic this check could judge has crossed the wire yet: run the step’s commands first.',
		'vni-unreadable': 'Could not read the VXLAN network identifier on {node}: has the network been created there yet?',
		'frames-seen': 'Matching frames seen on the wire: {count} (at least {min} needed).',
		'frames-missing': 'Matching frames seen on the wire so far: {count} of the {min} needed.',
		'no-frames': 'No matching frame crossed the wire, as expected, while {evidence} frames of the traffic it is about did.',
		'frames-forbidden': 'Frames that should have stayed off the wire crossed it: {count}.',
		'no-answer': 'No answer yet.',
		'answer-correct': 'Correct.',
		'answer-wrong': 'Not quite: compare with what the machines show.',
		'answer-not-number': 'The answer should be a number.',
		'answer-not-computable': 'The machines cannot give the answer yet (on {node}): finish the previous steps first.',
	},
	fr: {
		'exec-passed': 'Vérifié sur {node} : la machine est dans l’état attendu.',
		'exit-mismatch': 'Sur {node}, la commande de vérification s’est terminée avec le code {actual} au lieu de {expected}.',
		'stdout-mismatch': 'Sur {node}, la sortie ne montre pas encore ce qui est attendu.',
		'stdout-forbidden': 'Sur {node}, la sortie montre encore quelque chose qui devrait avoir disparu : « {line} ».',
		'node-unavailable': 'Impossible de vérifier {node} pour l’instant ({reason}). Patientez un peu puis réessayez.',
		'capture-unavailable': 'La capture du réseau virtuel est illisible pour l’instant ({reason}).',
		'capture-window-lost': 'Impossible d’évaluer cette vérification : la capture ne contient plus toutes les trames depuis le début de l’étape. Relancez les commandes de l’étape, puis vérifiez.',
		'no-evidence': 'Aucun trafic que cette vérification puisse juger n’est encore passé sur le fil : lancez d’abord les commandes de l’étape.',
		'vni-unreadable': 'Impossible de lire l’identifiant VXLAN du réseau sur {node} : ce réseau y existe-t-il déjà ?',
		'frames-seen': 'Trames correspondantes vues sur le fil : {count} (il en faut au moins {min}).',
		'frames-missing': 'Trames correspondantes vues sur le fil jusqu’ici : {count} sur les {min} nécessaires.',
		'no-frames': 'Aucune trame correspondante n’est passée sur le fil, comme prévu, alors que {evidence} trames du trafic concerné y sont passées.',
		'frames-forbidden': 'Des trames qui n’avaient rien à faire sur le fil y sont passées : {count}.',
		'no-answer': 'Pas encore de réponse.',
		'answer-correct': 'Exact.',
		'answer-wrong': 'Pas tout à fait : comparez avec ce qu’affichent les machines.',
		'answer-not-number': 'La réponse attendue est un nombre.',
		'answer-not-computable': 'Les machines ne peuvent pas encore donner la réponse (sur {node}) : terminez d’abord les étapes précédentes.',
	},
};

export function message(code: MessageCode, params: MessageParams = {}): Message {
	return { code, params };
}

/** The message in a language; a `{name}` without a parameter stays visible rather than vanishing. */
export function formatMessage(language: Language, { code, params }: Message): string {
	return messages[language][code].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
