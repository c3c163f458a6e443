import { Argument, Command } from 'commander';
import { commandAction } from '../exit-codes.js';
import type { Terminal } from '../terminal.js';
import type { TaskStatus } from '../../tasks/invocation.js';

export function registerCompletion(program: Command, terminal: Terminal): void {
  program
    .command('completion')
    .description('print a shell completion script: `source <(tsdbt completion bash)` in ~/.bashrc, `source <(tsdbt completion zsh)` in ~/.zshrc')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .action(
      commandAction(async (shell: 'bash' | 'zsh'): Promise<TaskStatus> => {
        const spec = await completionSpec(terminal);
        terminal.data(shell === 'bash' ? bashScript(spec) : zshScript(spec));
        return 'ok';
      }),
    );
}

export interface OptionSpec {
  flags: string[];
  description: string;
  takesValue: boolean;
  choices: string[] | undefined;
}

export interface CompletionSpec {
  global: OptionSpec[];
  commands: { name: string; aliases: string[]; description: string; options: OptionSpec[]; argumentChoices: string[] }[];
}

/** Options whose values are folders. */
const FOLDER_OPTIONS = ['--project-dir', '--profiles-dir', '--log-path', '--state'];
/** Options whose values are node names: completed with `tsdbt ls --output name` in the current project. */
const NODE_OPTIONS = ['-s', '--select', '--exclude'];

/** Every command's options, read from the real command definitions (each command module is loaded here). */
export async function completionSpec(terminal: Terminal): Promise<CompletionSpec> {
  const { COMMANDS, globalOptions } = await import('../main.js');
  const global = globalOptions(new Command('tsdbt')).options.map(optionSpec);
  const commands: CompletionSpec['commands'] = [];
  for (const entry of COMMANDS) {
    const scratch = new Command('tsdbt');
    (await entry.load())(scratch, terminal);
    const command = scratch.commands[0];
    if (command === undefined) continue;
    commands.push({
      name: entry.name,
      aliases: command.aliases(),
      description: entry.summary,
      options: command.options.filter((option) => !option.hidden).map(optionSpec),
      argumentChoices: command.registeredArguments.flatMap((argument) => argument.argChoices ?? []),
    });
  }
  return { global, commands };
}

function optionSpec(option: Command['options'][number]): OptionSpec {
  return {
    flags: [option.short, option.long].filter((flag): flag is string => flag !== undefined),
    description: option.description,
    takesValue: option.required || option.optional,
    choices: option.argChoices,
  };
}

const words = (list: readonly string[]): string => list.join(' ');
const flagsOf = (options: readonly OptionSpec[]): string[] => options.flatMap((option) => option.flags);
const valueFlags = (spec: CompletionSpec): string[] => [
  ...new Set([...spec.global, ...spec.commands.flatMap((command) => command.options)].filter((option) => option.takesValue).flatMap((option) => option.flags)),
];
const choiceOptions = (spec: CompletionSpec): [string, string[]][] => {
  const out = new Map<string, string[]>();
  for (const option of [...spec.global, ...spec.commands.flatMap((command) => command.options)]) {
    if (option.choices === undefined) continue;
    for (const flag of option.flags) out.set(flag, [...new Set([...(out.get(flag) ?? []), ...option.choices])]);
  }
  return [...out];
};

export function bashScript(spec: CompletionSpec): string {
  const names = spec.commands.flatMap((command) => [command.name, ...command.aliases]);
  const perCommand = spec.commands
    .map(
      (command) =>
        `    ${[command.name, ...command.aliases].join('|')}) opts="${words(flagsOf(command.options))}"; args="${words(command.argumentChoices)}" ;;`,
    )
    .join('\n');
  const choices = choiceOptions(spec)
    .map(([flag, values]) => `    ${flag}) COMPREPLY=($(compgen -W "${words(values)}" -- "$cur")); return ;;`)
    .join('\n');
  return `# tsdbt completion for bash. Load it with: source <(tsdbt completion bash)
_tsdbt() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local commands="${words(names)}"
  local global="${words(flagsOf(spec.global))} --help"
  local takes_value=" ${words(valueFlags(spec))} "
  local command="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -*) [[ "$takes_value" == *" \${COMP_WORDS[i]} "* ]] && ((i++)) ;;
      *) command="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$prev" in
${choices}
    ${FOLDER_OPTIONS.join('|')}) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    ${NODE_OPTIONS.join('|')}) COMPREPLY=($(compgen -W "$(tsdbt ls --output name --quiet 2>/dev/null)" -- "$cur")); return ;;
  esac
  if [[ -z "$command" ]]; then
    if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$global --version" -- "$cur"))
    else COMPREPLY=($(compgen -W "$commands" -- "$cur")); fi
    return
  fi
  local opts="" args=""
  case "$command" in
${perCommand}
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts $global" -- "$cur"))
  elif [[ -n "$args" ]]; then COMPREPLY=($(compgen -W "$args" -- "$cur")); fi
}
complete -o default -F _tsdbt tsdbt
`;
}

export function zshScript(spec: CompletionSpec): string {
  const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
  const described = (options: readonly OptionSpec[]): string =>
    options.flatMap((option) => option.flags.map((flag) => quote(`${flag}:${option.description}`))).join(' ');
  const commandList = spec.commands.flatMap((command) => [command.name, ...command.aliases].map((name) => quote(`${name}:${command.description}`))).join(' ');
  const perCommand = spec.commands
    .map(
      (command) => `    ${[command.name, ...command.aliases].join('|')}) opts=(${described(command.options)}); args=(${command.argumentChoices.join(' ')}) ;;`,
    )
    .join('\n');
  const choices = choiceOptions(spec)
    .map(([flag, values]) => `    ${flag}) compadd -- ${values.join(' ')}; return ;;`)
    .join('\n');
  return `#compdef tsdbt
# tsdbt completion for zsh. Load it with: source <(tsdbt completion zsh)  (after compinit),
# or save it as _tsdbt in a folder of $fpath.
_tsdbt() {
  local -a commands global opts args
  commands=(${commandList})
  global=(${described(spec.global)} '--help:show help')
  local takes_value=" ${words(valueFlags(spec))} "
  local command="" i
  for (( i = 2; i < CURRENT; i++ )); do
    case "\${words[i]}" in
      -*) [[ "$takes_value" == *" \${words[i]} "* ]] && (( i++ )) ;;
      *) command="\${words[i]}"; break ;;
    esac
  done
  case "\${words[CURRENT-1]}" in
${choices}
    ${FOLDER_OPTIONS.join('|')}) _directories; return ;;
    ${NODE_OPTIONS.join('|')}) compadd -- \${(f)"$(tsdbt ls --output name --quiet 2>/dev/null)"}; return ;;
  esac
  if [[ -z "$command" ]]; then
    if [[ "\${words[CURRENT]}" == -* ]]; then _describe -t options 'option' global
    else _describe -t commands 'tsdbt command' commands; fi
    return
  fi
  case "$command" in
${perCommand}
  esac
  if [[ "\${words[CURRENT]}" == -* ]]; then _describe -t options 'option' opts -- global
  elif (( \${#args} )); then compadd -- \${args[@]}
  else _files; fi
}
if [[ "\${funcstack[1]}" == "_tsdbt" ]]; then _tsdbt "$@"; else compdef _tsdbt tsdbt; fi
`;
}
