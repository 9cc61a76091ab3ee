using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DistaHilar.Tests.Infrastructure;

/// <summary>One log line a <see cref="LogCapture"/> kept.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string Message, string? Exception)
{
    public override string ToString() => $"[{Level}] {Category}: {Message}" + (Exception is null ? "" : $"\n    {Exception}");

    /// <summary>The line in short: level, category and the message's first 300 characters.</summary>
    public string Summary => $"[{Level}] {Category}: {(Message.Length > 300 ? Message[..300] + "…" : Message)}";
}

/// <summary>
/// Keeps every log line at or above a level, for tests that check what a stack logs: hand <see cref="Factory"/> to
/// the stack (the worker's logs come through the DevHost's factory, as category "Worker") and read
/// <see cref="Entries"/>.
/// </summary>
public sealed class LogCapture : IDisposable
{
    private readonly ConcurrentQueue<CapturedLog> entries = new();

    public LogCapture(LogLevel minimum = LogLevel.Warning) =>
        Factory = LoggerFactory.Create(b => b
            .AddProvider(new Provider(entries))
            .SetMinimumLevel(minimum));

    public ILoggerFactory Factory { get; }

    public IReadOnlyList<CapturedLog> Entries => [.. entries];

    public IReadOnlyList<CapturedLog> AtLeast(LogLevel level) => [.. entries.Where(e => e.Level >= level)];

    public void Dispose() => Factory.Dispose();

    private sealed class Provider(ConcurrentQueue<CapturedLog> entries) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(entries, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(ConcurrentQueue<CapturedLog> entries, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), exception?.ToString()));
    }
}
