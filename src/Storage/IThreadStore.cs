namespace Chat.Storage;

/// <summary>
/// Threads and mentions (issue 25). A thread reply is a message of its conversation like any other
/// (numbered in its sequence, in its history) that names its root; the root's summary, who follows a
/// thread and each reader's cursor in it are kept where messages are stored, in the same transaction.
/// A thread's unread count is its replies above the reader's thread cursor that were addressed to them
/// and not sent by them; it is kept apart from the conversation's (see <see cref="UnreadRules.CountsFor"/>).
/// </summary>
public interface IThreadStore
{
    /// <summary>
    /// The conversation's threads whose roots are numbered within <paramref name="within"/>, newest reply first,
    /// those whose newest reply is below <paramref name="beforeReplySeq"/> (the previous page's last) when given.
    /// </summary>
    Task<IReadOnlyList<ThreadView>> ListThreadsAsync(string conversationId, string member, IReadOnlyList<MemberInterval> within, long? beforeReplySeq, int limit,
        CancellationToken cancellationToken = default);

    /// <summary>The thread of <paramref name="rootId"/> as <paramref name="member"/> sees it (a root without replies yet too); null when no such message is stored.</summary>
    Task<ThreadView?> FindThreadAsync(string rootId, string member, CancellationToken cancellationToken = default);

    /// <summary>
    /// The replies of a thread numbered within <paramref name="within"/>, in sequence order: those after
    /// <paramref name="afterSequence"/>, or, with only <paramref name="beforeSequence"/>, the newest before it.
    /// </summary>
    Task<IReadOnlyList<StoredMessage>> GetThreadRepliesAsync(string rootId, IReadOnlyList<MemberInterval> within, long? afterSequence, long? beforeSequence, int limit,
        CancellationToken cancellationToken = default);

    /// <summary>Follows or unfollows the thread (a reply follows it again).</summary>
    Task SetFollowingAsync(string rootId, string conversationId, string member, bool following, CancellationToken cancellationToken = default);

    /// <summary>Moves each thread cursor forward (never past the thread's newest reply, never back). Returns those that moved, as they are now.</summary>
    Task<IReadOnlyList<ThreadReadState>> MoveThreadCursorsAsync(IReadOnlyList<ThreadCursorMove> moves, CancellationToken cancellationToken = default);

    /// <summary>For each of the member's conversations named: the unread replies of the threads they follow, and their unread mentions.</summary>
    Task<IReadOnlyDictionary<string, ConversationBadges>> BadgesAsync(string member, IReadOnlyList<string> conversationIds, CancellationToken cancellationToken = default);

    /// <summary>The conversation's pins that have not expired at <paramref name="now"/>, the newest pinned first (pins are made as message changes).</summary>
    Task<IReadOnlyList<Pin>> PinsAsync(string conversationId, DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <param name="Root">The root, with its <see cref="StoredMessage.Thread"/> summary.</param>
/// <param name="LastReplySeq">The sequence number of its newest reply (0 with none): the order and the cursor of a list of threads.</param>
public sealed record ThreadView(StoredMessage Root, bool Following, long LastReadSeq, long UnreadCount, long LastReplySeq);

public sealed record ThreadCursorMove(string ConversationId, string RootId, string Username, long UpToSequence);

public sealed record ThreadReadState(string ConversationId, string RootId, string Username, long LastReadSeq, long UnreadCount);

/// <param name="ThreadUnreadCount">Unread replies in the threads the member follows there (not in the conversation's <c>unread_count</c>).</param>
/// <param name="MentionCount">Messages above the member's read cursor that mention them.</param>
public sealed record ConversationBadges(long ThreadUnreadCount, long MentionCount);

/// <summary>Who a message mentions (issue 25).</summary>
public static class MentionRules
{
    /// <summary>Every member present: counts as a mention for each, but wakes no one offline.</summary>
    public const string Here = "@here";

    /// <summary>Every member: counts as a mention for each and wakes them; in a big group only its owner and admins may use it.</summary>
    public const string All = "@all";

    public static bool IsEveryone(string mention) => mention is Here or All;

    /// <summary>The recipients a message mentions (by name, or all of them with <c>@here</c>/<c>@all</c>), never its sender.</summary>
    public static IEnumerable<string> MentionedIn(NewMessage m) =>
        m.Mentions is not { Count: > 0 } mentions || m.Payload.Type == UnreadRules.SystemPayload ? []
        : mentions.Any(IsEveryone) ? m.To.Where(u => u != m.From).Distinct()
        : mentions.Where(u => u != m.From && m.To.Contains(u)).Distinct();

    /// <summary>Whether the message calls <paramref name="recipient"/> even when they are away: named, or <c>@all</c> (not <c>@here</c>).</summary>
    public static bool Calls(NewMessage m, string recipient) =>
        m.Mentions is { } mentions && recipient != m.From && (mentions.Contains(All) || mentions.Contains(recipient));
}
