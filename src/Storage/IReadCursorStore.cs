namespace Chat.Storage;

/// <summary>
/// Read cursors and unread counters (issue 16). <c>unread_count</c> is defined once, here: the
/// messages above the member's <c>last_read_seq</c> that were addressed to them, not sent by them
/// and not system messages. The counters are kept where messages are stored (in the same
/// transaction), so counting never scans history; a cursor only moves forward.
/// </summary>
public interface IReadCursorStore
{
    /// <summary>
    /// The member's conversations, the most recently active first (a conversation without messages
    /// is as active as its creation), after <paramref name="after"/> (the last one of the previous page).
    /// </summary>
    Task<IReadOnlyList<ConversationActivity>> ListByActivityAsync(string member, ActivityCursor? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>One conversation as <see cref="ListByActivityAsync"/> shows it to <paramref name="member"/>; null when they are not a member.</summary>
    Task<ConversationActivity?> FindActivityAsync(string conversationId, string member, CancellationToken cancellationToken = default);

    /// <summary>The member's conversations with anything unread.</summary>
    Task<IReadOnlyList<ReadState>> UnreadOfAsync(string member, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves each cursor forward to its <see cref="ReadCursorMove.UpToSequence"/> (never past the
    /// conversation's last message, never back). Returns the cursors that moved, as they are now.
    /// </summary>
    /// <remarks>A <see cref="ReadCursorMove.Back"/> move (mark unread, issue 25) is the only one that moves a cursor back, never forward.</remarks>
    Task<IReadOnlyList<ReadState>> MoveReadCursorsAsync(IReadOnlyList<ReadCursorMove> moves, CancellationToken cancellationToken = default);

    /// <summary>
    /// A user's private read mode (issue 25): while on, their reads move their own cursors and badges but no
    /// message becomes <c>read</c> for them, so no read receipt reaches anyone else.
    /// </summary>
    Task SetPrivateReadsAsync(string username, bool on, CancellationToken cancellationToken = default);

    /// <summary>Those of <paramref name="usernames"/> who read privately.</summary>
    Task<IReadOnlySet<string>> PrivateReadersAsync(IReadOnlyCollection<string> usernames, CancellationToken cancellationToken = default);

    /// <summary>
    /// The conversation's epoch (issue 25): an opaque value that changes only when its history is rebuilt, so a
    /// client holding another one must not trust its <c>after_seq</c>. Null for an unknown conversation.
    /// </summary>
    Task<string?> EpochOfAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Its history was rebuilt (re-imported by a repair, restored after a loss): a new epoch, returned; null for an unknown conversation.</summary>
    Task<string?> RenewEpochAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The store was restored from a backup (<c>Store:RestoreId</c> names the restore): every conversation gets a new
    /// epoch, once per <paramref name="restoreId"/> — the record that it was applied lives in the store itself, so a
    /// later restore of an older backup (which lacks the record) renews again under the same id. True when renewed now.
    /// </summary>
    Task<bool> RenewEpochsAfterRestoreAsync(string restoreId, CancellationToken cancellationToken = default);
}

/// <summary>A member's place in one conversation.</summary>
public sealed record ReadState(string ConversationId, string Username, long LastReadSeq, long UnreadCount);

/// <param name="Back">Mark unread: the cursor moves back to <paramref name="UpToSequence"/> (and never forward); without it only forward.</param>
public sealed record ReadCursorMove(string ConversationId, string Username, long UpToSequence, bool Back = false);

public static class Epochs
{
    /// <summary>A fresh epoch: random, so a rebuilt store never hands out one a client already holds.</summary>
    public static string New() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    /// <summary>Whether <paramref name="value"/> has an epoch's form (16 lower-case hex digits), so a client's stale one is told apart from garbage.</summary>
    public static bool IsWellFormed(string value) => value.Length == 16 && value.All(char.IsAsciiHexDigitLower);
}

/// <summary>The newest message of a conversation, as a list shows it.</summary>
public sealed record LastMessage(string MessageId, string From, string Preview, DateTimeOffset SentAt)
{
    public const int PreviewLength = 100;

    /// <summary>The text cut to <see cref="PreviewLength"/> characters; a file without a caption shows its name.</summary>
    public static string PreviewOf(MessagePayload payload)
    {
        var text = payload.Text ?? payload.File?.FileName ?? payload.Type;
        return text.Length <= PreviewLength ? text : text[..(PreviewLength - 1)] + "…";
    }

    public static LastMessage Of(NewMessage m, DateTimeOffset sentAt) => new(m.MessageId, m.From, PreviewOf(m.Payload), sentAt);
}

public sealed record ConversationActivity(Conversation Conversation, ReadState Read, LastMessage? LastMessage, DateTimeOffset LastActivityAt)
{
    public ActivityCursor Cursor => new(LastActivityAt, Conversation.ConversationId);
}

/// <summary>Where a page of <see cref="IReadCursorStore.ListByActivityAsync"/> ended.</summary>
public sealed record ActivityCursor(DateTimeOffset At, string ConversationId);

public static class UnreadRules
{
    /// <summary>The payload type of a system message (a membership change): it never counts as unread.</summary>
    public const string SystemPayload = "system";

    /// <summary>
    /// Who a stored message counts as unread for in the conversation: its recipients but its sender; nobody for a system
    /// message, nor for a thread reply not also sent to the conversation (it counts in its thread instead, issue 25).
    /// </summary>
    public static IEnumerable<string> CountsFor(NewMessage m) =>
        m.Payload.Type == SystemPayload || (m.ThreadRoot is not null && !m.AlsoToConversation) ? [] : m.To.Where(u => u != m.From).Distinct();
}
