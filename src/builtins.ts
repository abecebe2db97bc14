// The built-in registry as the runtime sees it, plus commands a program adds with defineCommand.
import { registry } from '../commands/index.ts'
import { RAW_ARGS } from '../commands/raw-args.ts'
import type { CommandDef } from './runtime/command.ts'
import type { CommandSource } from './runtime/interpreter.ts'
import { markForeign } from './runtime/foreign-values.ts'

export class CommandSet implements CommandSource {
  private readonly extra = new Map<string, CommandDef<any>>()
  private raw: ReadonlySet<string> = new Set(RAW_ARGS)

  get rawNames(): ReadonlySet<string> { return this.raw }

  add(def: CommandDef<any>): void {
    markForeign(def)
    this.extra.set(def.name, def)
    if (def.rawArgs) this.raw = new Set([...this.raw, def.name])
  }

  names(): string[] {
    return [...new Set([...Object.keys(registry), ...this.extra.keys()])].sort()
  }

  async load(name: string): Promise<CommandDef<any> | undefined> {
    const own = this.extra.get(name)
    if (own) return own
    const entry = Object.hasOwn(registry, name) ? registry[name] : undefined
    return entry ? (await entry.load()).default : undefined
  }
}
