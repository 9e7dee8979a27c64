// The change column's part of a cycle: its maximum noted as a mark before the new waves are read;
// once a mark is `change_lookback_seconds` old, one grouped query over the rows up to it names
// the waves they touched, which the cycle's check pass then checks; the cursor moves past them.
import type { EffectiveConfig } from '../config/effective.js';
import { advance, observe, settledRange, touchedWaves } from './change.js';
import type { PlanContext } from './plan.js';
import type { WaveRange } from './schedule.js';
import type { Sink } from './sink.js';
import type { Source } from './source.js';
import type { ChangeState, ChangeValue, CollectionState } from './types.js';

export class ChangePass {
  private changed = false;
  private settledUpTo: ChangeValue | undefined;

  private constructor(
    private readonly state: ChangeState,
    private readonly deps: { source: Source; sink: Sink },
    private readonly ctx: PlanContext,
    private readonly lookbackSeconds: number,
  ) {}

  /** Undefined when no change column is configured. */
  static async load(
    config: EffectiveConfig,
    deps: { source: Source; sink: Sink },
    ctx: PlanContext,
  ): Promise<ChangePass | undefined> {
    if (config.source.measure_change_column === undefined) return undefined;
    const state = (await deps.sink.loadChangeState(ctx.database, ctx.measures)) ?? { cursor: null, marks: [] };
    return new ChangePass(state, deps, ctx, config.sync.change_lookback_seconds);
  }

  /** Notes the change column's maximum now (before the new waves of the cycle are read). */
  async observe(now: number): Promise<void> {
    if (observe(this.state, now, await this.deps.source.readChangeMax())) this.changed = true;
  }

  /** The waves to check for the rows that settled by `now`: those their documents do not hold yet. */
  async settle(now: number, states: Iterable<CollectionState>): Promise<WaveRange[]> {
    const range = settledRange(this.state, now, this.lookbackSeconds);
    if (range === undefined) return [];
    const digests = await this.deps.source.readChangeDigests(range.after, range.upTo);
    this.settledUpTo = range.upTo;
    return touchedWaves(digests, states, this.ctx.lowerBound);
  }

  /** After the check pass wrote what the touched waves needed: the cursor passes them, and is stored. */
  async save(): Promise<void> {
    if (this.settledUpTo !== undefined) {
      advance(this.state, this.settledUpTo);
      this.settledUpTo = undefined;
      this.changed = true;
    }
    if (!this.changed) return;
    await this.deps.sink.saveChangeState(this.ctx.database, this.ctx.measures, this.state);
    this.changed = false;
  }
}
