namespace Chat.Presence.Calls;

/// <summary>
/// One call in a conversation: it rings the members it started with (<see cref="Participants"/>), is
/// <c>active</c> once someone answers and ends once, with an outcome. <see cref="Version"/> grows with
/// each change, so two nodes changing it at once cannot both win.
/// </summary>
public sealed record Call(
    string CallId, string ConversationId, string Caller, string Media, string State, string? Outcome,
    IReadOnlyList<string> Participants, IReadOnlyList<string> Joined, IReadOnlyList<string> Rejected,
    DateTimeOffset StartedAt, DateTimeOffset? AnsweredAt, DateTimeOffset? EndedAt, long Version = 1, long Sequence = 0)
{
    public const string Ringing = "ringing";
    public const string Active = "active";
    public const string Ended = "ended";

    /// <summary>Outcomes: talked and hung up; nobody answered in time; every callee declined; the caller gave up before an answer.</summary>
    public const string Completed = "completed";
    public const string Missed = "missed";
    public const string Declined = "rejected";
    public const string Cancelled = "cancelled";

    public static readonly IReadOnlySet<string> MediaKinds = new HashSet<string> { "audio", "video" };

    public bool HasParticipant(string username) => Participants.Contains(username, StringComparer.Ordinal);

    public IEnumerable<string> Callees => Participants.Where(p => p != Caller);

    /// <summary>From the answer to the end; none for a call never answered.</summary>
    public TimeSpan? Duration => AnsweredAt is { } answered && EndedAt is { } ended ? ended - answered : null;
}
