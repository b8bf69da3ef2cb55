using System.Diagnostics.Metrics;
using System.Text.Json;
using Chat.Auth;
using Chat.Notifications.Storage;
using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Chat.Notifications;

/// <summary>
/// Consumer group on chat.notifications. Per request: nothing if the recipient has no device or muted
/// the conversation; else the conversation's burst window decides — none open: one push per device
/// now, and a window opens for <see cref="NotificationsOptions.CollapseWindow"/>; one open: the
/// message joins the single summary due at the window's end. Pushes and window are stored in one
/// write before the offsets commit; sending is the dispatcher's. Nothing for a recipient who has
/// since left the conversation (or been removed), nor from a sender the recipient blocked.
/// </summary>
internal sealed class NotificationWorker(
    INotificationStore store, IMessageStore conversations, IBlockDirectory blocks, EventProducer producer, ConsumerMetrics metrics, IOptions<KafkaOptions> kafka, IOptions<NotificationsOptions> options,
    TimeProvider clock, IMeterFactory meters, ILogger<NotificationWorker> logger)
    : BatchConsumer(Topics.Notifications, options.Value.ConsumerGroup, kafka.Value, producer, metrics, logger)
{
    private readonly Counter<long> _collapsed = meters.CreateChatMeter().CreateCounter<long>(
        "chat.notification.collapsed", description: "Messages folded into a summary push instead of a push of their own");

    private readonly Counter<long> _skipped = meters.CreateChatMeter().CreateCounter<long>(
        "chat.notification.skipped", description: "Notification requests that made no push, by reason (no_device, muted, level, not_member, blocked)");

    protected override async Task ProcessBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, BatchSpans spans, CancellationToken cancellationToken)
    {
        // Read once a batch per recipient: a group message asks for each member, a busy conversation for the same ones again and again.
        var devicesOf = new Dictionary<string, IReadOnlyList<Device>>();
        foreach (var record in batch)
        {
            var (request, problem) = ParseRecord(record, NotificationRequest.Parser);
            if (request is null)
            {
                await DeadLetterAsync(record, problem!, cancellationToken);
                continue;
            }
            await HandleAsync(request, devicesOf, spans.TraceParentOf(record), cancellationToken);
        }
    }

    private async Task HandleAsync(NotificationRequest request, Dictionary<string, IReadOnlyList<Device>> devicesOf, string? traceParent, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (!devicesOf.TryGetValue(request.Recipient, out var devices)) devicesOf[request.Recipient] = devices = await store.DevicesAsync(request.Recipient, ct);
        if (devices.Count == 0)
        {
            _skipped.Add(1, new KeyValuePair<string, object?>("reason", "no_device"));
            return;
        }
        if (await store.MuteOfAsync(request.Recipient, request.ConversationId, ct) is { } mute && mute.Active(now))
        {
            _skipped.Add(1, new KeyValuePair<string, object?>("reason", "muted"));
            return;
        }
        // The level chosen for the conversation (issue 25): "none" never, "mentions" only when the message calls them.
        if (await store.LevelOfAsync(request.Recipient, request.ConversationId, ct) is var level && !NotificationLevels.Lets(level, request.Mentioned))
        {
            _skipped.Add(1, new KeyValuePair<string, object?>("reason", "level"));
            return;
        }
        // The Router asked for members at the message's position; a removal since then ends it too.
        if (await conversations.FindConversationAsync(request.ConversationId, ct) is not { } conversation || !conversation.HasMember(request.Recipient))
        {
            _skipped.Add(1, new KeyValuePair<string, object?>("reason", "not_member"));
            return;
        }
        if (await blocks.HasBlockedAsync(request.Recipient, request.From, ct))
        {
            _skipped.Add(1, new KeyValuePair<string, object?>("reason", "blocked"));
            return;
        }
        var window = await store.CollapseWindowAsync(request.Recipient, request.ConversationId, ct);
        if (window is not null && window.LastMessageId == request.MessageId) return; // a replay of the request that opened or last grew it
        if (window is null || window.EndsAt <= now)
        {
            var preview = await store.PreviewsAsync(request.Recipient, ct) && request.Preview.Length > 0 ? Preview(request.Preview) : null;
            var body = Json(new PushBody(request.ConversationId, request.MessageId, request.From, preview));
            var opened = new CollapseWindow(request.Recipient, request.ConversationId, now + options.Value.CollapseWindow, 0, request.MessageId, request.From);
            await store.RecordAsync(opened, devices.Select(d =>
                new PendingPush($"{request.MessageId}.{d.DeviceId}.{request.Recipient}", d.Username, d.DeviceId, body, 0, PendingPush.Pending, now, now, traceParent)).ToList(), ct);
            return;
        }
        // Within the window: no push of its own; the summary at the window's end says how many came.
        var grown = window with { Suppressed = window.Suppressed + 1, LastMessageId = request.MessageId, LastFrom = request.From };
        var summary = Json(new PushBody(request.ConversationId, request.MessageId, request.From, Count: grown.Suppressed));
        await store.RecordAsync(grown, devices.Select(d => new PendingPush(
            $"summary.{window.EndsAt.ToUnixTimeMilliseconds()}.{request.ConversationId}.{d.DeviceId}.{request.Recipient}", d.Username, d.DeviceId, summary, 0,
            PendingPush.Pending, window.EndsAt, now, traceParent)).ToList(), ct);
        _collapsed.Add(1);
    }

    /// <summary>At most 200 characters: a push is a hint, the message itself is in the app.</summary>
    private static string Preview(string text) => text.Length <= 200 ? text : text[..199] + "…";

    private static string Json(PushBody body) => JsonSerializer.Serialize(body, NotificationStorageJson.Default.PushBody);
}
