using Chat.Auth;
using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Http;
using Chat.Shared.Kafka;
using Chat.Storage;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Chat.Frontend;

/// <summary>
/// Threads (docs/api.md, "Threads"; issue 25): a user's view of the threads of the conversations they are
/// in, within their membership. Following and thread cursors are a user's own, as stars are. A thread
/// cursor moves through the same read receipt a socket's <c>read</c> frame with <c>thread_root</c> produces.
/// </summary>
internal sealed class ThreadsHandler(IMessageStore store, Attribution attribution, EventProducer producer, TimeProvider clock)
{
    private static readonly Refusal.Forbidden NotAUser = new("Authorization", "Threads are read, followed and marked read by a user: call with a user's token.");
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async Task<Outcome<ThreadPage>> ListAsync(Caller caller, string conversationId, long? beforeReplySeq, int size, CancellationToken ct)
    {
        if (caller.Username?.ToLowerInvariant() is not { } me) return NotAUser;
        var stretches = (await store.MembershipAsync(conversationId, ct)).Where(i => i.Username == me).ToList();
        if (stretches.Count == 0) return new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}' that you are in.");
        // One more than a page: whether there is a next one.
        var page = await store.ListThreadsAsync(conversationId, me, stretches, beforeReplySeq, size + 1, ct);
        var items = page.Take(size).ToList();
        var threads = items.Select(t => ThreadItem.Of(t, me)).ToList();
        var deleted = await attribution.DeletedInAsync(threads.Select(t => t.Root), ct);
        return new ThreadPage(threads.Select(t => t with { Root = t.Root.Attributed(deleted) }).ToList(), page.Count > size ? items[^1].LastReplySeq.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    public async Task<Outcome<ThreadResponse>> ReadAsync(Caller caller, string rootId, long? afterSeq, long? beforeSeq, int size, CancellationToken ct)
    {
        if (caller.Username?.ToLowerInvariant() is not { } me) return NotAUser;
        if (await ReadableRootAsync(me, rootId, ct) is not { } found) return NoRoot(rootId);
        var (thread, stretches) = found;
        var replies = await store.GetThreadRepliesAsync(rootId, stretches, afterSeq, beforeSeq, size, ct);
        // A reply stored between the two reads is in the page but not in the summary read before it: read the summary again,
        // so its counts (replies, unread) never fall short of the replies shown with it.
        if (replies.Count > 0 && replies[^1].SequenceNumber > thread.LastReplySeq) thread = await store.FindThreadAsync(rootId, me, ct) ?? thread;
        var item = ThreadItem.Of(thread, me);
        var shown = await attribution.OfAsync([item.Root, .. replies.Select(r => PublicMessage.Of(r, me))], ct);
        return new ThreadResponse(item with { Root = shown[0] }, shown.Skip(1).ToList(),
            replies.Count == size && beforeSeq is null ? replies[^1].SequenceNumber : null);
    }

    public async Task<Outcome<FollowResponse>> FollowAsync(Caller caller, string rootId, bool following, CancellationToken ct)
    {
        if (caller.Username?.ToLowerInvariant() is not { } me) return NotAUser;
        if (await ReadableRootAsync(me, rootId, ct) is not { Thread: var thread }) return NoRoot(rootId);
        await store.SetFollowingAsync(rootId, thread.Root.ConversationId, me, following, ct);
        return new FollowResponse(rootId, following);
    }

    /// <summary>Done once the receipt is on chat.receipts; the Router moves the thread cursor (forward only) and tells the reader's sockets (<c>thread.read</c>).</summary>
    public async Task<Outcome<ThreadReadResponse>> MarkReadAsync(Caller caller, string rootId, long upTo, CancellationToken ct)
    {
        if (caller.Username?.ToLowerInvariant() is not { } me) return NotAUser;
        if (await ReadableRootAsync(me, rootId, ct) is not { Thread: var thread }) return NoRoot(rootId);
        var conversationId = thread.Root.ConversationId;
        try
        {
            await producer.PublishReceiptAsync(new StatusEvent
            {
                EventId = $"{rootId}/{me}/{MessageStatus.Read}/{upTo}",
                ConversationId = conversationId, SequenceNumber = upTo, Recipient = me, Channel = Channels.App, Status = MessageStatus.Read, ThreadRoot = rootId,
                At = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
            }, ct);
        }
        catch (Confluent.Kafka.KafkaException)
        {
            return new Refusal.Unavailable("The read could not be recorded right now; nothing changed. Send it again shortly.", RetryAfter);
        }
        return new ThreadReadResponse(conversationId, rootId, upTo);
    }

    private static Refusal.NotFound NoRoot(string rootId) => new("message_id", $"No thread root '{rootId}' that you can read.");

    /// <summary>The thread when <paramref name="me"/> may read its root (numbered within one of their stretches) and it is no reply itself.</summary>
    private async Task<(ThreadView Thread, IReadOnlyList<MemberInterval> Stretches)?> ReadableRootAsync(string me, string rootId, CancellationToken ct)
    {
        if (await store.FindThreadAsync(rootId, me, ct) is not { Root: var root } thread || root.ThreadRoot is not null) return null;
        var stretches = (await store.MembershipAsync(root.ConversationId, ct)).Where(i => i.Username == me).ToList();
        return stretches.Any(i => i.Contains(root.SequenceNumber)) ? (thread, stretches) : null;
    }
}
