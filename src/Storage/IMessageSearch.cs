namespace Chat.Storage;

/// <summary>
/// Finding messages again (issue 17): history backwards, a user's stars, and full-text search. A
/// search reads only within its reader's membership stretches (<see cref="MemberInterval"/>): a
/// member removed from a group finds nothing numbered after their removal. The index follows the
/// stored text in the transaction that writes it (SQLite: triggers on <c>messages</c>; MongoDB: a
/// text index), so a text changed in place is found by its new words only, and a text set to null
/// is found no more.
/// </summary>
public interface IMessageSearch
{
    /// <summary>
    /// The <paramref name="limit"/> messages numbered just below <paramref name="beforeSequence"/> within one
    /// of <paramref name="within"/>, in sequence order (the page of <see cref="IMessageStore.GetMessagesWithinAsync"/>, backwards).
    /// </summary>
    Task<IReadOnlyList<StoredMessage>> GetMessagesBeforeWithinAsync(string conversationId, IReadOnlyList<MemberInterval> within, long beforeSequence, int limit,
        CancellationToken cancellationToken = default);

    /// <summary>Stars a stored message for <paramref name="username"/>; a star kept is kept as it was. Returns when it was starred.</summary>
    Task<DateTimeOffset> StarAsync(string username, string messageId, CancellationToken cancellationToken = default);

    Task UnstarAsync(string username, string messageId, CancellationToken cancellationToken = default);

    /// <summary>The user's starred messages, the most recently starred first, after <paramref name="after"/> (the last one of the previous page).</summary>
    Task<IReadOnlyList<StarredMessage>> StarredAsync(string username, StarCursor? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Messages with every word of the query that its reader may read, the most recently stored first, after
    /// the message <paramref name="afterMessageId"/> (the last hit of the previous page).
    /// </summary>
    Task<IReadOnlyList<SearchHit>> SearchAsync(MessageQuery query, string? afterMessageId, int limit, CancellationToken cancellationToken = default);
}

public sealed record StarredMessage(StoredMessage Message, DateTimeOffset StarredAt)
{
    public StarCursor Cursor => new(StarredAt, Message.MessageId);
}

/// <summary>Where a page of <see cref="IMessageSearch.StarredAsync"/> ended.</summary>
public sealed record StarCursor(DateTimeOffset StarredAt, string MessageId);

/// <param name="Reader">Whose membership bounds the search.</param>
/// <param name="Words">Folded (<see cref="SearchText.WordsOf"/>); a message must hold every one.</param>
/// <param name="ConversationId">Only in this conversation.</param>
/// <param name="From">Only messages from this sender.</param>
public sealed record MessageQuery(string Reader, IReadOnlyList<string> Words, string? ConversationId = null, string? From = null);

/// <param name="Snippet">Plain text: the message's text, or the part of it around the first word found.</param>
/// <param name="Highlights">Where the words found are in <paramref name="Snippet"/>.</param>
public sealed record SearchHit(StoredMessage Message, string Snippet, IReadOnlyList<TextRange> Highlights);
