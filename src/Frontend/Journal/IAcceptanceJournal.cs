namespace Chat.Frontend.Journal;

/// <summary>
/// Accepted events the Router has not stored yet, kept where they survive the process (embedded
/// mode only: there the broker lives in memory and dies with the process). An append has
/// completed only once the entry is on disk; the message store removes an entry once it stored
/// (or deduplicated) its message.
/// </summary>
public interface IAcceptanceJournal
{
    /// <summary>Completes once the entry is durable; returns its id, which orders entries by append.</summary>
    Task<long> AppendAsync(JournalEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Forgets an entry whose event the broker refused: it was answered 503 and must never be stored.</summary>
    Task RemoveAsync(long entryId, CancellationToken cancellationToken = default);

    /// <summary>Every entry still held, in the order they were appended.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadAllAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// One accepted event as it goes on <c>chat.messages</c>: its key and its ConversationEvent bytes
/// (whose case gives the <c>ce_type</c> header and whose event id the <c>ce_id</c>, so nothing else is needed to produce it again).
/// </summary>
public sealed record JournalEntry(string MessageId, string Key, byte[] Event, long Id = 0);
