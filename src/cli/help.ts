/**
 * Help texts that need every model's CLI half (src/models/<id>/cli.ts): loaded only when help is asked for,
 * so a `simulate` run imports its own model's CLI and no other (issue 12: start-up of a CLI run).
 * `main` calls {@link loadHelpTexts} when the command line asks for help ({@link wantsHelp}); the commands'
 * help callbacks read the texts synchronously.
 */
import { allModelClis } from './models.ts';

let texts: { simulate: string; sweepModels: string } | null = null;

/** Whether argv (node, script, …args) asks for help: `-h`, `--help` anywhere, or the `help` command. */
export function wantsHelp(argv: readonly string[]): boolean {
  const args = argv.slice(2);
  return args[0] === 'help' || args.includes('-h') || args.includes('--help');
}

/** Loads every registered model's CLI half and keeps the help texts built from them. */
export async function loadHelpTexts(): Promise<void> {
  const clis = await allModelClis();
  texts = {
    simulate: clis.map(({ cli }) => cli.help).join(''),
    sweepModels: clis.filter(({ cli }) => cli.sweep).map(({ plugin }) => `"${plugin.id}"`).join(' or '),
  };
}

/** `simulate --help`'s text after the options: every registered model's help, in registry order. */
export function simulateHelp(): string {
  return texts?.simulate ?? '\n(each model\'s config fields: lazyrich simulate --help)\n';
}

/** The registered models with sweep support, quoted, e.g. `"relu2" or "mlp"`. */
export function sweepModels(): string {
  return texts?.sweepModels ?? 'sweep-capable';
}
