namespace Chat.Storage;

/// <summary>The roles of a group (a direct conversation has none).</summary>
public static class Roles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";

    public static readonly IReadOnlyList<string> All = [Owner, Admin, Member];
}

/// <summary>The kinds of change to a conversation, each one system message (docs/api.md, "Groups and roles").</summary>
public static class ChangeKinds
{
    public const string MemberAdded = "member.added";
    public const string MemberRemoved = "member.removed";
    public const string MemberLeft = "member.left";
    public const string RoleChanged = "role.changed";
    public const string TitleChanged = "title.changed";

    public static readonly IReadOnlyList<string> All = [MemberAdded, MemberRemoved, MemberLeft, RoleChanged, TitleChanged];
}

/// <summary>
/// One stretch of one user's membership: they get and may read the messages numbered
/// <c>[JoinedSeq, LeftSeq)</c>. A member added by the system message numbered n joins at n (they see
/// it); one removed by the system message numbered n leaves at n + 1 (they see that too, and nothing
/// after). The members a conversation was created with join at 0.
/// </summary>
/// <param name="Role">The role while the stretch is open; null in a direct conversation.</param>
public sealed record MemberInterval(string Username, string? Role, long JoinedSeq, long? LeftSeq, DateTimeOffset JoinedAt)
{
    public bool IsOpen => LeftSeq is null;

    public bool Contains(long sequenceNumber) => sequenceNumber >= JoinedSeq && (LeftSeq is not { } left || sequenceNumber < left);
}

/// <summary>The <c>payload</c> of a system message: which change, by whom, to whom.</summary>
/// <param name="NewOwner">When the owner left: who owns the group now (the longest-standing admin, else member).</param>
/// <param name="Call">A call's system message (<see cref="CallMessages.Ended"/>): the call it records.</param>
public sealed record SystemEvent(string Event, string Actor, string? Target = null, string? Role = null, string? Title = null, string? NewOwner = null,
    CallSummary? Call = null);

/// <summary>A change someone asked for, before it is decided.</summary>
public sealed record ChangeRequest(string Kind, string Actor, string? Target, string? Role, string? Title);

/// <summary>One thing a decided change does to the stored conversation, at its system message's sequence number.</summary>
public abstract record MembershipEffect
{
    private MembershipEffect()
    {
    }

    /// <summary>Opens a stretch for <paramref name="Username"/> at the system message.</summary>
    public sealed record Join(string Username, string Role) : MembershipEffect;

    /// <summary>Closes the open stretch of <paramref name="Username"/> just after the system message.</summary>
    public sealed record Leave(string Username) : MembershipEffect;

    public sealed record SetRole(string Username, string Role) : MembershipEffect;

    public sealed record SetTitle(string Title) : MembershipEffect;
}

/// <summary>A change as it arrives on chat.messages: <see cref="EventId"/> names it (and its system message, once applied).</summary>
public sealed record ChangeEvent(string EventId, string ConversationId, ChangeRequest Request, DateTimeOffset AcceptedAt);

/// <summary>
/// <see cref="Applied"/>: stored as the next system message, its effects made. <see cref="Refused"/>: the
/// state at its position does not allow it; only the refusal is recorded. <see cref="Duplicate"/>: decided
/// before (a replay), nothing changes; the result says how it was decided.
/// </summary>
public enum ChangeOutcome { Applied, Refused, Duplicate, UnknownConversation }

/// <param name="SystemMessage">Applied, or a duplicate of an applied change: its system message.</param>
/// <param name="MembersAfter">Applied, or a duplicate: the members now.</param>
/// <param name="RefusedBecause">Refused, or a duplicate of a refused change: why.</param>
public sealed record ChangeResult(ChangeOutcome Outcome, StoredMessage? SystemMessage = null, IReadOnlyList<string>? MembersAfter = null, string? RefusedBecause = null);

/// <summary>Turns a decided change into its system message: from the actor, on the app channel, to <see cref="DecidedChange.Recipients"/>.</summary>
public static class SystemMessages
{
    public static NewMessage Of(ChangeEvent change, DecidedChange decided) => new(
        change.EventId, change.ConversationId, change.Request.Actor, decided.Recipients, [Chat.Shared.Channels.App],
        new MessagePayload(MessagePayload.SystemType, null, null, System: decided.Event), change.AcceptedAt);

    /// <summary>
    /// Each recipient's app delivery: <c>sent</c> once stored, pushed after. Their <c>sent</c> is born
    /// published: a change reaches webhooks as <c>conversation.updated</c>, not as statuses of its system message.
    /// </summary>
    public static IReadOnlyList<Delivery> Deliveries(DecidedChange decided) =>
        decided.Recipients.Select(r => new Delivery(r, Chat.Shared.Channels.App, Chat.Shared.MessageStatus.Sent)).ToList();

    /// <summary>
    /// A system message stored as a message (a call's, <see cref="CallMessages"/>) has its deliveries born
    /// published too: what it records reaches clients as the message itself, not as statuses of it.
    /// </summary>
    public static bool BornPublished(NewMessage m) => m.Payload.Type == MessagePayload.SystemType;
}
