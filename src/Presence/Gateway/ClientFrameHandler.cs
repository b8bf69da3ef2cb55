using System.Text.Json;
using Chat.Auth;
using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Shared.RateLimits;
using Chat.Storage;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Chat.Presence.Gateway;

/// <summary>
/// Client → server frames (docs/api.md, "WebSocket frames"). A bad frame gets an <c>error</c> frame naming
/// what was wrong and changes nothing; the socket stays open.
/// </summary>
internal sealed class ClientFrameHandler(
    IMessageStore store, StoredMessageFrames stored, IBlockDirectory blocks, EventProducer producer, LivePush live, IRateLimiter limiter, IOptions<LimitsOptions> limits, TimeProvider clock,
    Calls.CallsHandler calls)
{
    private const int SyncPage = 500;

    public async Task HandleAsync(ClientConnection connection, ArraySegment<byte> data, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(data);
        }
        catch (JsonException e)
        {
            connection.Send(Frames.Error("bad_frame", "Not JSON: " + e.Message.Split(" Path:")[0]));
            return;
        }
        using (document)
        {
            var frame = document.RootElement;
            if (frame.ValueKind != JsonValueKind.Object || String(frame, "type") is not { } type)
            {
                connection.Send(Frames.Error("bad_frame", "A frame is a JSON object with a string \"type\"."));
                return;
            }
            try
            {
                // Frames that reach others are limited per user, over all their sockets; acks, syncs and pings never.
                var problem = type is FrameTypes.Typing or FrameTypes.Read ? await LimitAsync(connection, type, cancellationToken) : null;
                problem ??= type switch
                {
                    FrameTypes.Ping => Pong(connection),
                    FrameTypes.Ack => await AckAsync(connection, frame, cancellationToken),
                    FrameTypes.Read => await ReadAsync(connection, frame, cancellationToken),
                    FrameTypes.Typing => await TypingAsync(connection, frame, cancellationToken),
                    FrameTypes.Sync => await SyncAsync(connection, frame, cancellationToken),
                    FrameTypes.CallSignal => await SignalAsync(connection, frame, cancellationToken),
                    _ => ("unknown_type", $"Unknown frame type '{type}'; use {string.Join(", ", FrameTypes.ClientToServer)}."),
                };
                if (problem is var (code, detail)) connection.Send(Frames.Error(code, detail));
            }
            catch (KafkaException)
            {
                connection.Send(Frames.Error("unavailable", $"The '{type}' could not be recorded right now; send it again shortly."));
            }
        }
    }

    private async Task<(string, string)?> LimitAsync(ClientConnection connection, string type, CancellationToken ct)
    {
        var limit = limits.Value.SocketFramesPerMinute;
        var decision = await limiter.TryAcquireAsync("frames:user:" + connection.Username, limit, RateLimitExtensions.Minute, ct);
        return decision.Allowed
            ? null
            : ("rate_limited", $"More than {limit} typing and read frames a minute (Limits:SocketFramesPerMinute); this '{type}' was dropped. " +
                               $"Send again in {Math.Max(1, Math.Ceiling(decision.Reset.TotalSeconds)):0} s.");
    }

    private static (string, string)? Pong(ClientConnection connection)
    {
        connection.Send(Frames.Pong);
        return null;
    }

    /// <summary>The message becomes <c>delivered</c> for this user once the Router persisted the receipt.</summary>
    private async Task<(string, string)?> AckAsync(ClientConnection connection, JsonElement frame, CancellationToken ct)
    {
        if (String(frame, "message_id") is not { } messageId) return ("bad_frame", "An ack needs \"message_id\".");
        var view = await store.GetStatusAsync(messageId, ct);
        var mine = view?.Recipients.FirstOrDefault(r => r.Username == connection.Username && r.Channel == Channels.App);
        if (view is null || mine is null) return ("not_found", $"No message '{messageId}' addressed to you.");
        if (MessageStatus.Rank(mine.Status) >= MessageStatus.Rank(MessageStatus.Delivered)) return null;
        await ProduceReceiptAsync(new StatusEvent
        {
            EventId = $"{messageId}/{connection.Username}/{Channels.App}/{MessageStatus.Delivered}",
            MessageId = messageId, ConversationId = view.Message.ConversationId, SequenceNumber = view.Message.SequenceNumber,
            From = view.Message.From, Recipient = connection.Username, Channel = Channels.App, Status = MessageStatus.Delivered,
        }, ct);
        return null;
    }

    /// <summary>Every message up to <c>up_to_seq</c> becomes <c>read</c> for this user.</summary>
    private async Task<(string, string)?> ReadAsync(ClientConnection connection, JsonElement frame, CancellationToken ct)
    {
        if (String(frame, "conversation_id") is not { } conversationId) return ("bad_frame", "A read needs \"conversation_id\".");
        if (Number(frame, "up_to_seq") is not (> 0 and var upTo)) return ("bad_frame", "A read needs \"up_to_seq\", a sequence number of 1 or more.");
        if (!await IsMemberAsync(connection, conversationId, ct)) return NotMember(conversationId);
        // With thread_root, a read within that thread only: it moves the thread's cursor (issue 25).
        var threadRoot = String(frame, "thread_root");
        if (threadRoot is null && frame.TryGetProperty("thread_root", out _)) return ("bad_frame", "\"thread_root\" must be the message_id of a thread's root.");
        if (threadRoot is not null && !(await store.FindMessageAsync(threadRoot, ct) is { ThreadRoot: null } root && root.ConversationId == conversationId))
            return ("not_found", $"No thread root '{threadRoot}' in conversation '{conversationId}'.");
        await ProduceReceiptAsync(new StatusEvent
        {
            EventId = threadRoot is null ? $"{conversationId}/{connection.Username}/{MessageStatus.Read}/{upTo}" : $"{threadRoot}/{connection.Username}/{MessageStatus.Read}/{upTo}",
            ConversationId = conversationId, SequenceNumber = upTo, Recipient = connection.Username, Channel = Channels.App, Status = MessageStatus.Read,
            ThreadRoot = threadRoot ?? "",
        }, ct);
        return null;
    }

    /// <summary>Relayed to the conversation's other members (blocks permitting); never stored.</summary>
    private async Task<(string, string)?> TypingAsync(ClientConnection connection, JsonElement frame, CancellationToken ct)
    {
        if (String(frame, "conversation_id") is not { } conversationId) return ("bad_frame", "A typing frame needs \"conversation_id\".");
        var state = String(frame, "state");
        if (state is not ("start" or "stop")) return ("bad_frame", "\"state\" must be \"start\" or \"stop\".");
        var conversation = await store.FindConversationAsync(conversationId, ct);
        if (conversation is null || !conversation.HasMember(connection.Username)) return NotMember(conversationId);
        // Not to those the typer blocked; in a direct conversation not to a member who blocked the typer either (issue 16).
        var blocked = await blocks.BlockedByAsync(connection.Username, ct);
        var others = conversation.Members.Where(m => m != connection.Username && !blocked.Contains(m)).ToList();
        if (conversation.Type == Conversation.Direct && others is [var other] && await blocks.HasBlockedAsync(other, connection.Username, ct)) others = [];
        await live.SendAsync(others, Frames.Typing(conversationId, connection.Username, state), ct);
        return null;
    }

    /// <summary>
    /// With a conversation: its messages after <c>after_seq</c>; without: every message still
    /// undelivered. Either way only what this connection has not sent yet, then <c>sync.done</c>.
    /// </summary>
    private async Task<(string, string)?> SyncAsync(ClientConnection connection, JsonElement frame, CancellationToken ct)
    {
        var conversationId = String(frame, "conversation_id");
        // Absent means every conversation; present but not a string must not widen the sync to all of them.
        if (conversationId is null && frame.TryGetProperty("conversation_id", out _))
            return ("bad_frame", "\"conversation_id\" must be a non-empty string; leave it out to sync every conversation.");
        var after = frame.TryGetProperty("after_seq", out _) ? Number(frame, "after_seq") : 0;
        if (after is not >= 0) return ("bad_frame", "\"after_seq\" must be a sequence number of 0 or more.");
        var sent = 0;
        if (conversationId is null)
        {
            sent += await stored.SendAsync(connection, await store.PendingForAsync(connection.Username, Channels.App, SyncPage * 20, ct), ct);
            connection.Send(Frames.SyncDone(null, null, sent));
            return null;
        }
        // The epoch the client holds (issue 25): absent, it is trusted as before; another than the conversation's, its after_seq means nothing.
        var held = String(frame, "epoch");
        if (held is null && frame.TryGetProperty("epoch", out _) || held is not null && !Epochs.IsWellFormed(held)) return ("bad_frame", "\"epoch\" must be the epoch of an earlier history answer or sync.done.");
        // Only within the user's membership, as the history endpoint reads it.
        var visible = GroupRules.VisibleTo(await store.MembershipAsync(conversationId, ct), u => u == connection.Username);
        if (!visible.Any(i => i.IsOpen)) return NotMember(conversationId);
        var epoch = await store.EpochOfAsync(conversationId, ct);
        if (held is not null && held != epoch)
        {
            // Rebuilt since the client read it: nothing sent against the old numbering; it drops what it holds and syncs from 0 with this epoch.
            connection.Send(Frames.SyncDone(conversationId, 0, 0, epoch, resync: true));
            return null;
        }
        var last = after.Value;
        while (true)
        {
            var page = await store.GetMessagesWithinAsync(conversationId, visible, last, SyncPage, ct);
            sent += await stored.SendAsync(connection, page, ct);
            if (page.Count > 0) last = page[^1].SequenceNumber;
            if (page.Count < SyncPage) break;
        }
        connection.Send(Frames.SyncDone(conversationId, last, sent, epoch));
        return null;
    }

    /// <summary>WebRTC signaling (an SDP offer or answer, an ICE candidate) for another participant of the call; relayed, never stored.</summary>
    private async Task<(string, string)?> SignalAsync(ClientConnection connection, JsonElement frame, CancellationToken ct)
    {
        if (String(frame, "call_id") is not { } callId) return ("bad_frame", "A call.signal needs \"call_id\".");
        if (String(frame, "to") is not { } to) return ("bad_frame", "A call.signal needs \"to\": the participant it is for.");
        if (!frame.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            return ("bad_frame", "A call.signal needs \"data\": an object ({\"sdp\"} or {\"candidate\"}).");
        return await calls.SignalAsync(connection.Username, callId, to.ToLowerInvariant(), data.Clone(), ct);
    }

    private async Task<bool> IsMemberAsync(ClientConnection connection, string conversationId, CancellationToken ct) =>
        (await store.FindConversationAsync(conversationId, ct))?.HasMember(connection.Username) == true;

    private static (string, string) NotMember(string conversationId) => ("forbidden", $"You are not a member of conversation '{conversationId}'.");

    private Task ProduceReceiptAsync(StatusEvent receipt, CancellationToken ct)
    {
        receipt.At = Timestamp.FromDateTimeOffset(clock.GetUtcNow());
        return producer.PublishReceiptAsync(receipt, ct);
    }

    private static string? String(JsonElement frame, string name) =>
        frame.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && Readable(value) is { Length: > 0 } s ? s : null;

    /// <summary>The string; null when it is not valid UTF-16 (a lone surrogate, "\ud800"), which GetString cannot read.</summary>
    private static string? Readable(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static long? Number(JsonElement frame, string name) =>
        frame.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;
}
