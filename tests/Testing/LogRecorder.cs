using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Chat.Testing;

/// <summary>
/// Keeps every log entry of a Host in memory, at every level, whatever the console's minimum is
/// (add it with <see cref="AddTo"/> in a <see cref="ChatServer.StartAsync"/> configure callback).
/// </summary>
public sealed class LogRecorder : ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : " — " + Exception.GetType().Name)}";
    }

    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => _entries.ToList();

    public void AddTo(ILoggingBuilder logging)
    {
        logging.AddProvider(this);
        // A rule for this provider alone: the Host's minimum (Warning in tests) still holds for the console.
        logging.AddFilter<LogRecorder>(null, LogLevel.Debug);
    }

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Recorder(string category, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
    }
}
