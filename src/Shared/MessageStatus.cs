namespace Chat.Shared;

/// <summary>
/// accepted → sent → delivered → read, or failed (docs/architecture.md, "Message status").
/// Transitions only move forward.
/// </summary>
public static class MessageStatus
{
    public const string Accepted = "accepted";
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Read = "read";
    public const string Failed = "failed";

    /// <summary>
    /// Not a status: a receipt (on chat.receipts) that marks a conversation unread from its sequence number on (issue 25),
    /// moving the member's read cursor back; no message's status changes.
    /// </summary>
    public const string UnreadReceipt = "unread";

    private static readonly string[] Order = [Accepted, Sent, Delivered, Read];

    public static int Rank(string status) => Array.IndexOf(Order, status);

    /// <summary>
    /// The statuses a receipt of <paramref name="status"/> may move on from: those below it, and
    /// <c>failed</c> (a replayed delivery that gets through after all). <c>failed</c> itself only
    /// ends what has not been delivered.
    /// </summary>
    public static IReadOnlyList<string> MovableTo(string status) =>
        status == Failed ? [Accepted, Sent] : Rank(status) > Rank(Sent) ? [.. Order.Take(Rank(status)), Failed] : [];

    /// <summary>
    /// The message's overall status: the least advanced of its recipients' statuses, so "read"
    /// means every recipient read it. Failed recipients count only when all failed.
    /// </summary>
    public static string Aggregate(IEnumerable<string> recipientStatuses)
    {
        var live = recipientStatuses.ToList();
        if (live.Count == 0) return Accepted;
        var progressing = live.Where(s => s != Failed).ToList();
        return progressing.Count == 0 ? Failed : progressing.MinBy(Rank)!;
    }
}
