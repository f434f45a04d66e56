package org.cohort.core.messaging;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The future of a request: it may be completed on an IO thread (the reply is read there), yet no stage a
 * caller adds ever runs there. Every dependent-stage method without an executor runs its function on
 * {@code stages} instead, as its {@code ...Async(fn, stages)} twin does; the futures it returns are
 * ReplyFutures too, so the rule holds down a whole chain. What completing on the IO thread still does
 * directly is wake the callers blocked in {@code get()} or {@code join()}: one thread hop fewer for them.
 *
 * <p>A stage added after completion runs on {@code stages} too (a plain CompletableFuture would run it on
 * the adding thread): the same thread for every stage, whenever it is added.
 */
final class ReplyFuture<T> extends CompletableFuture<T> {

    private final Executor stages;

    ReplyFuture(Executor stages) {
        this.stages = stages;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new ReplyFuture<>(stages);
    }

    @Override
    public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
        return thenApplyAsync(fn, stages);
    }

    @Override
    public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
        return thenAcceptAsync(action, stages);
    }

    @Override
    public CompletableFuture<Void> thenRun(Runnable action) {
        return thenRunAsync(action, stages);
    }

    @Override
    public <U, V> CompletableFuture<V> thenCombine(CompletionStage<? extends U> other,
            BiFunction<? super T, ? super U, ? extends V> fn) {
        return thenCombineAsync(other, fn, stages);
    }

    @Override
    public <U> CompletableFuture<Void> thenAcceptBoth(CompletionStage<? extends U> other,
            BiConsumer<? super T, ? super U> action) {
        return thenAcceptBothAsync(other, action, stages);
    }

    @Override
    public CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
        return runAfterBothAsync(other, action, stages);
    }

    @Override
    public <U> CompletableFuture<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
        return applyToEitherAsync(other, fn, stages);
    }

    @Override
    public CompletableFuture<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
        return acceptEitherAsync(other, action, stages);
    }

    @Override
    public CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
        return runAfterEitherAsync(other, action, stages);
    }

    @Override
    public <U> CompletableFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        return thenComposeAsync(fn, stages);
    }

    @Override
    public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        return whenCompleteAsync(action, stages);
    }

    @Override
    public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        return handleAsync(fn, stages);
    }

    @Override
    public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
        return exceptionallyAsync(fn, stages);
    }

    @Override
    public CompletableFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
        return exceptionallyComposeAsync(fn, stages);
    }

    /** A minimal stage is a plain future completed on {@code stages}: its own dependents then run there. */
    @Override
    public CompletionStage<T> minimalCompletionStage() {
        CompletableFuture<T> plain = new CompletableFuture<>();
        whenCompleteAsync((value, failure) -> {
            if (failure == null) {
                plain.complete(value);
            } else {
                plain.completeExceptionally(failure);
            }
        }, stages);
        return plain.minimalCompletionStage();
    }
}
