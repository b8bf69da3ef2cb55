using Chat.Shared.Events;
using Chat.Shared.Kafka;

namespace Chat.Frontend.Journal;

/// <summary>
/// Produces the journal's entries onto <c>chat.messages</c> again, in the order they were accepted:
/// at start, before any hosted service starts (so before the Router's consumers number anything new
/// and before the HTTP server, hence readiness, answers), and whenever the Router finds its offset
/// fell out of the log. Entries already stored are deduplicated by message_id and clear themselves.
/// </summary>
internal sealed class AcceptanceJournalReplay(IAcceptanceJournal journal, EventProducer producer, ILogger<AcceptanceJournalReplay> logger)
    : IHostedLifecycleService, IMessageLogRecovery
{
    // Producing is asynchronous in librdkafka: a chunk is enqueued in order, then its acks awaited.
    private const int EntriesInFlight = 5000;

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public Task StartingAsync(CancellationToken cancellationToken) => ReplayAsync("start", cancellationToken);

    public void RecordsLost() => _ = Task.Run(async () =>
    {
        try
        {
            await ReplayAsync("the Router's offset fell out of the log", CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Replaying the acceptance journal failed; it is tried again at the next start");
        }
    });

    private async Task ReplayAsync(string reason, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var entries = await journal.ReadAllAsync(cancellationToken);
            if (entries.Count == 0) return;
            logger.LogWarning("Producing {Count} accepted messages not stored yet again from the acceptance journal ({Reason})", entries.Count, reason);
            foreach (var chunk in entries.Chunk(EntriesInFlight))
                await Task.WhenAll(chunk.Select(e => producer.PublishAsync(ConversationEvent.Parser.ParseFrom(e.Event), cancellationToken)).ToList());
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
