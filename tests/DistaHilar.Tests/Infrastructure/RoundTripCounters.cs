using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace DistaHilar.Tests.Infrastructure;

/// <summary>Npgsql's command activities under one parent activity (so other tests' commands in this process do not count).</summary>
public sealed class CommandCounter : IDisposable
{
    private readonly ActivityListener listener;
    private ActivityTraceId trace;
    private int count;

    public CommandCounter()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = activity =>
            {
                // Commands only: Npgsql also traces opening a physical connection.
                if (activity.TraceId == trace && activity.Kind == ActivityKind.Client && !activity.DisplayName.Contains("open", StringComparison.OrdinalIgnoreCase))
                {
                    Interlocked.Increment(ref count);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
    }

    public int Count => Volatile.Read(ref count);

    public async Task<T> CountAsync<T>(Func<Task<T>> run)
    {
        using var parent = new Activity("counted change").Start();
        trace = parent.TraceId;
        return await run();
    }

    public void Dispose() => listener.Dispose();
}

public sealed class TransactionCounter : DbTransactionInterceptor
{
    private int count;

    public int Count => Volatile.Read(ref count);

    public void Reset() => Interlocked.Exchange(ref count, 0);

    public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref count);
        return base.TransactionStartedAsync(connection, eventData, result, cancellationToken);
    }
}

/// <summary>One call of a Core service in a scope of its own, with the commands and transactions it sent to PostgreSQL.</summary>
public static class RoundTrips
{
    public static async Task<(T Result, int Commands, int Transactions)> CountAsync<TService, T>(IServiceProvider provider, TransactionCounter transactions, Func<TService, Task<T>> call)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(call);
        await using var scope = provider.CreateAsyncScope();
        transactions.Reset();
        using var commands = new CommandCounter();
        var result = await commands.CountAsync(() => call(scope.ServiceProvider.GetRequiredService<TService>()));
        return (result, commands.Count, transactions.Count);
    }
}
