/**
 * The rxjs values lib/ uses, each loaded from its own module instead of rxjs's index. Node resolves `rxjs` to its
 * CommonJS index, which loads all 223 of its files (every operator, ajax, fetch, webSocket): the largest part of a
 * cold start (README "Small streams, cold starts, many at once"). These load about 70 of them.
 *
 * Why they are the same objects as `import { … } from 'rxjs'`: rxjs 7.8 publishes `./internal/*` in its exports map
 * with the same conditions, in the same order, as `.` (`node` and `require` → `dist/cjs`, bundlers → `dist/esm5` or
 * `dist/esm`), and its index re-exports these very files. So the application's `Observable`, the schedulers
 * `TestScheduler.run` patches and ours are one instance each. `spec/util/rx.spec.ts` proves every value here is the
 * identical object to rxjs's public export, so an rxjs release that moves a file fails CI; the types are rxjs's public
 * ones. The only module in lib/ that imports rxjs values: ESLint (`eslint.config.mjs`) forbids value imports of
 * `rxjs` and any `rxjs/internal/*` import everywhere else (type imports of `rxjs` are free).
 *
 * @module
 */
import type * as rxjs from 'rxjs';
import { Observable as ObservableClass } from 'rxjs/internal/Observable';
import { Subject as SubjectClass } from 'rxjs/internal/Subject';
import { Subscription as SubscriptionClass } from 'rxjs/internal/Subscription';
import { lastValueFrom as lastValueFromFn } from 'rxjs/internal/lastValueFrom';
import { defer as deferFn } from 'rxjs/internal/observable/defer';
import { EMPTY as EMPTY_OBSERVABLE } from 'rxjs/internal/observable/empty';
import { from as fromFn } from 'rxjs/internal/observable/from';
import { of as ofFn } from 'rxjs/internal/observable/of';
import { throwError as throwErrorFn } from 'rxjs/internal/observable/throwError';
import { timer as timerFn } from 'rxjs/internal/observable/timer';
import { catchError as catchErrorFn } from 'rxjs/internal/operators/catchError';
import { concatMap as concatMapFn } from 'rxjs/internal/operators/concatMap';
import { concatWith as concatWithFn } from 'rxjs/internal/operators/concatWith';
import { filter as filterFn } from 'rxjs/internal/operators/filter';
import { finalize as finalizeFn } from 'rxjs/internal/operators/finalize';
import { map as mapFn } from 'rxjs/internal/operators/map';
import { retry as retryFn } from 'rxjs/internal/operators/retry';
import { switchMap as switchMapFn } from 'rxjs/internal/operators/switchMap';
import { takeWhile as takeWhileFn } from 'rxjs/internal/operators/takeWhile';
import { tap as tapFn } from 'rxjs/internal/operators/tap';
import { toArray as toArrayFn } from 'rxjs/internal/operators/toArray';
import { asyncScheduler as asyncSchedulerInstance } from 'rxjs/internal/scheduler/async';
import { isObservable as isObservableFn } from 'rxjs/internal/util/isObservable';

export const Observable: typeof rxjs.Observable = ObservableClass;
export type Observable<T> = rxjs.Observable<T>;
export const Subject: typeof rxjs.Subject = SubjectClass;
export type Subject<T> = rxjs.Subject<T>;
export const Subscription: typeof rxjs.Subscription = SubscriptionClass;
export type Subscription = rxjs.Subscription;

export const EMPTY: typeof rxjs.EMPTY = EMPTY_OBSERVABLE;
export const defer: typeof rxjs.defer = deferFn;
export const from: typeof rxjs.from = fromFn;
export const of: typeof rxjs.of = ofFn;
export const throwError: typeof rxjs.throwError = throwErrorFn;
export const timer: typeof rxjs.timer = timerFn;
export const lastValueFrom: typeof rxjs.lastValueFrom = lastValueFromFn;
export const asyncScheduler: typeof rxjs.asyncScheduler = asyncSchedulerInstance;
export const isObservable: typeof rxjs.isObservable = isObservableFn;

export const catchError: typeof rxjs.catchError = catchErrorFn;
export const concatMap: typeof rxjs.concatMap = concatMapFn;
export const concatWith: typeof rxjs.concatWith = concatWithFn;
export const filter: typeof rxjs.filter = filterFn;
export const finalize: typeof rxjs.finalize = finalizeFn;
export const map: typeof rxjs.map = mapFn;
export const retry: typeof rxjs.retry = retryFn;
export const switchMap: typeof rxjs.switchMap = switchMapFn;
export const takeWhile: typeof rxjs.takeWhile = takeWhileFn;
export const tap: typeof rxjs.tap = tapFn;
export const toArray: typeof rxjs.toArray = toArrayFn;
