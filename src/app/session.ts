/**
 * The shell's one params path for every model: change → preset rule → validate → checkParams → apply
 * (the model's rebuild-and-swap) → URL hash → show. The model's app is the {@link ParamsTarget}; this
 * class owns the current params, the hash (written with replaceState after each accepted change, read
 * on each hashchange that stays on this model) and clears the 'param-error' notice on success.
 */
import type { ModelPlugin, ParamsSession, ParamsTarget } from '../models/plugin.ts';
import { modelOfHash } from '../models/registry.ts';
import { validate, type Params } from '../params/schema.ts';
import { expandPresetChange, inUrlTerms, modelFromHash, modelToHash } from '../params/url.ts';
import { clearNotice } from './notices.ts';
import { askEstimate, gateEstimate } from './estimateDialog.ts';
import type { DeviceBufferLimits, EstimateAdapter } from '../models/estimate.ts';

/** The params session of one page (see the file comment). Created by the shell's openSession. */
export class Session<P> implements ParamsSession<P> {
  private current: P;

  /**
   * @param isDefault the default model writes `#v=…` hashes, the others `#model=<id>&v=…`.
   * @param initial the params the app starts with (its first build already applied them).
   * @param limits the device's buffer limits (null without WebGPU): a change over them is refused (estimateDialog.ts).
   * @param adapter the page's adapter (null without WebGPU), for estimates that depend on it.
   */
  constructor(private readonly plugin: ModelPlugin, private readonly isDefault: boolean, initial: P, private readonly target: ParamsTarget<P>,
    private readonly limits: DeviceBufferLimits | null = null, private readonly adapter: EstimateAdapter | null = null) {
    this.current = initial;
    window.addEventListener('hashchange', () => this.loadHash());
  }

  /** The params now running. */
  get params(): P { return this.current; }

  /** The hash of the current params. */
  get hash(): string { return modelToHash(this.plugin, this.current as Params<ModelPlugin['schema']>, this.isDefault); }

  /** See {@link ParamsSession.change}; also false while a large run waits for the user's answer (estimateDialog.ts). */
  change(partial: Partial<Record<keyof P, unknown>>): boolean {
    try {
      let raw = expandPresetChange(this.plugin, partial as Record<string, unknown>);
      if (this.target.prepare) raw = this.target.prepare(raw, this.current);
      this.accept(validate(this.plugin.schema, raw, this.current as Params<ModelPlugin['schema']>) as P);
      return true;
    } catch (e) {
      this.target.reportError(e);
      return false;
    }
  }

  /** See {@link ParamsSession.commit}. */
  commit(params: P): void {
    this.current = params;
    this.writeHash();
    this.target.show(params);
  }

  private accept(next: P, confirmed = false): void {
    this.plugin.checkParams(next as Params<ModelPlugin['schema']>);
    if (!confirmed && this.askFirst(next)) return;
    this.target.apply(next, this.current);
    this.current = next;
    this.writeHash();
    clearNotice('param-error');
    this.target.show(next);
  }

  /**
   * A hashchange on this model: applies the hash's params (a change of model reloads the page: the shell).
   * A rejected hash is reported and replaced by the hash of the params that keep running.
   */
  private loadHash(): void {
    const hash = location.hash;
    if (modelOfHash(hash).id !== this.plugin.id || hash === this.hash) return;
    try {
      this.accept(modelFromHash(this.plugin, hash, this.current as Params<ModelPlugin['schema']>) as P);
    } catch (e) {
      this.target.reportError(inUrlTerms(this.plugin.schema, e)); // a checkParams error names the URL key too
      this.writeHash(); // the address bar shows what runs, so a copied link reproduces it
    }
  }

  /**
   * A large run (issue 10 defect 9) asks first: true when the question is shown (the change waits; "Run it"
   * accepts it, "Keep the current run" writes back the hash of what runs). @throws ParamError over the device limits.
   */
  private askFirst(next: P): boolean {
    const e = gateEstimate(this.plugin, next as Params<ModelPlugin['schema']>, this.current as Params<ModelPlugin['schema']>, this.limits, this.adapter);
    if (!e) return false;
    void askEstimate(e).then((run) => {
      if (!run) { this.writeHash(); this.target.show(this.current); return; }
      try { this.accept(next, true); } catch (err) { this.target.reportError(err); this.writeHash(); }
    });
    return true;
  }

  private writeHash(): void {
    history.replaceState(null, '', this.hash);
  }
}
