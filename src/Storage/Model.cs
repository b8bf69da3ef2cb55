namespace Chat.Storage;

public sealed record Conversation(
    string ConversationId, string Type, IReadOnlyList<string> Members, string? Title, string CreatedBy, DateTimeOffset CreatedAt)
{
    public const string Direct = "direct";
    public const string Group = "group";

    public bool HasMember(string username) => Members.Contains(username, StringComparer.Ordinal);
}

/// <param name="File">For a file message: what the file is, as it was when the message was sent.</param>
/// <param name="System">For a system message (type <c>system</c>): the change to the conversation it records.</param>
/// <param name="Ciphertexts">For an end-to-end encrypted message (type <c>encrypted</c>, issue 21): one opaque copy per device; it has no text.</param>
public sealed record MessagePayload(string Type, string? Text, string? FileId, FileSummary? File = null, SystemEvent? System = null,
    IReadOnlyList<Ciphertext>? Ciphertexts = null)
{
    public const string SystemType = "system";
    public const string EncryptedType = "encrypted";
}

/// <summary>An end-to-end encrypted copy of a message for one device of a recipient (or of the sender): the server routes it and never reads it.</summary>
public sealed record Ciphertext(string DeviceId, string Type, string Body);

public sealed record FileSummary(string FileName, string ContentType, long Size, string Sha256);

/// <summary>A message as the Frontend accepted it, before it has a sequence number.</summary>
/// <param name="ToEveryone">
/// <c>to</c> was left out: the Router addresses every member at the message's position in the
/// partition (<see cref="To"/> is then the Frontend's guess, every other member when it accepted it).
/// </param>
/// <param name="ReplyTo">The id of the message of the same conversation this one answers (the Frontend checked it).</param>
/// <param name="ThreadRoot">A thread reply: the id of the thread's root, a message of the same conversation that is no reply itself (issue 25).</param>
/// <param name="AlsoToConversation">A thread reply also shown in (and counted as unread for) the conversation's main timeline.</param>
/// <param name="Mentions">Whom it mentions: usernames (members, the Frontend checked), <c>@here</c>, <c>@all</c>.</param>
public sealed record NewMessage(
    string MessageId, string ConversationId, string From, IReadOnlyList<string> To, IReadOnlyList<string> Channels,
    MessagePayload Payload, DateTimeOffset AcceptedAt, bool ToEveryone = false, string? ReplyTo = null,
    string? ThreadRoot = null, bool AlsoToConversation = false, IReadOnlyList<string>? Mentions = null);

/// <param name="Version">1 as sent; each edit or delete adds one (issue 17).</param>
/// <param name="DeletedAt">Set once deleted: the message is then a tombstone, its payload gone (text and file null), its sequence slot kept.</param>
/// <param name="Reply">A reply: what it answers, as that message is now.</param>
/// <param name="Reactions">Who reacted with what (empty where the read does not load them).</param>
/// <param name="Thread">A thread's root: its replies so far (null for a message no one replied to in a thread).</param>
public sealed record StoredMessage(
    string MessageId, string ConversationId, long SequenceNumber, string From, IReadOnlyList<string> To,
    IReadOnlyList<string> Channels, MessagePayload Payload, DateTimeOffset AcceptedAt, DateTimeOffset SentAt,
    long Version = 1, DateTimeOffset? EditedAt = null, DateTimeOffset? DeletedAt = null, ReplyQuote? Reply = null, IReadOnlyList<Reaction>? Reactions = null,
    string? ThreadRoot = null, bool AlsoToConversation = false, ThreadSummary? Thread = null, IReadOnlyList<string>? Mentions = null);

/// <summary>A stored message as a new one with the same id is checked against (<see cref="MessageIds.SameMessage(NewMessage, string, string, MessagePayload, bool)"/>).</summary>
public sealed record MessageIdentity(string ConversationId, string From, MessagePayload Payload, bool ChangedSince);

/// <summary>What a thread's root shows of its replies: how many, the newest's time, who wrote them (in the order they first did).</summary>
public sealed record ThreadSummary(long ReplyCount, DateTimeOffset LastReplyAt, IReadOnlyList<string> Participants);

/// <summary>What the Router decided for one recipient on one channel when it stored the message.</summary>
public sealed record Delivery(string Recipient, string Channel, string Status, string? Detail = null);

/// <param name="RefusedBecause">
/// Set when the Router refuses the message (its sender is no member at its position): nothing is
/// stored but its deliveries, <c>failed</c> with this detail, for its sender (like a <see cref="StoreOutcome.Clash"/>).
/// </param>
public sealed record MessageToStore(NewMessage Message, IReadOnlyList<Delivery> Deliveries, string? RefusedBecause = null);

public static class MessageIds
{
    /// <summary>Whether <paramref name="retry"/> is the same message as <paramref name="stored"/> sent again, not another message with its id.</summary>
    public static bool SameMessage(NewMessage retry, string conversationId, string from, MessagePayload stored) =>
        retry.ConversationId == conversationId && retry.From == from && retry.Payload.Type == stored.Type
        && retry.Payload.Text == stored.Text && retry.Payload.FileId == stored.FileId;

    /// <summary>
    /// As <see cref="SameMessage(NewMessage, string, string, MessagePayload)"/>, for a stored message that may have been
    /// edited or deleted since: then its payload is no longer what was sent, and the same sender and conversation make it the same message.
    /// </summary>
    public static bool SameMessage(NewMessage retry, string conversationId, string from, MessagePayload stored, bool changedSince) =>
        changedSince ? retry.ConversationId == conversationId && retry.From == from : SameMessage(retry, conversationId, from, stored);

    /// <summary>The detail of a clash's failed deliveries: why nothing was stored.</summary>
    public static string ClashDetail(string messageId) =>
        $"message_id '{messageId}' is already taken by another message; nothing was stored. Send again with a new message_id (a UUID).";
}

/// <summary>
/// What storing one message came to. <see cref="Duplicate"/>: the id is stored already with the same
/// sender, conversation and payload (a retry; nothing new). <see cref="Clash"/>: the id is stored for
/// another message (another sender, conversation or payload): nothing is stored for this one, and each
/// of its deliveries is recorded <c>failed</c> for its own sender (issue 14, point 2).
/// <see cref="NotMember"/>: its sender was no member at its position in the partition; like a clash,
/// only its failed deliveries are recorded.
/// </summary>
public enum StoreOutcome { Stored, Duplicate, UnknownConversation, Clash, NotMember }

/// <param name="StoredAt">When it was stored (for a duplicate: when the first copy was; for a refusal: default).</param>
/// <param name="Changes">The unpublished status changes storing it made (none for a duplicate or an unknown conversation; for a clash, its failed deliveries).</param>
public sealed record StoreResult(NewMessage Message, StoreOutcome Outcome, long SequenceNumber, DateTimeOffset StoredAt = default,
    IReadOnlyList<StatusChange>? Changes = null)
{
    /// <param name="reply">The quote of what it answers, if it is a reply.</param>
    public StoredMessage ToStored(ReplyQuote? reply = null) => new(Message.MessageId, Message.ConversationId, SequenceNumber, Message.From, Message.To,
        Message.Channels, Message.Payload, Message.AcceptedAt, StoredAt, Reply: reply,
        ThreadRoot: Message.ThreadRoot, AlsoToConversation: Message.AlsoToConversation, Mentions: Message.Mentions);
}

/// <summary>One transition, as appended to a message's history and published on chat.status.</summary>
/// <param name="Refused">
/// A failed delivery of a message refused because its id was taken (<see cref="StoreOutcome.Clash"/>): it
/// carries its own conversation and sender and belongs to no stored message's history.
/// </param>
public sealed record StatusChange(
    long Id, string MessageId, string ConversationId, long SequenceNumber, string From, string Status,
    DateTimeOffset At, string? Recipient, string? Channel, string? Detail, bool Refused = false);

public sealed record RecipientStatus(string Username, string Channel, string Status, DateTimeOffset UpdatedAt);

public sealed record MessageStatusView(
    StoredMessage Message, string Status, IReadOnlyList<RecipientStatus> Recipients, IReadOnlyList<StatusChange> History);

/// <summary>
/// A recipient's word that a message arrived (<c>delivered</c>) or was read (<c>read</c>): for one
/// message, or, with <see cref="UpToSequence"/>, for every message of the conversation up to it.
/// </summary>
/// <param name="ThreadRoot">A read up to a sequence number within this thread only: it moves the reader's thread cursor (issue 25).</param>
public sealed record Receipt(
    string Status, string Username, string Channel, string ConversationId, string? MessageId, long? UpToSequence, DateTimeOffset At, string? Detail = null,
    string? ThreadRoot = null);
