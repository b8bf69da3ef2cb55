using System.Diagnostics.Metrics;
using Chat.Auth;
using Chat.Files;
using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Chat.Router;

/// <summary>
/// Consumer group on chat.messages. Per batch: read each record's event by its type, decide each
/// delivery, store (dedupe by message_id, next sequence number per conversation), publish the
/// status changes, push the messages to recipients online, and only then let the offsets be
/// committed. A message whose id another message took (a race no Frontend could see) is not stored;
/// its sender gets its deliveries as <c>failed</c> through the outbox. A record that can never be stored, or whose type is unknown, goes to chat.dlq.
/// Membership is decided where the order is: the messages before a change are stored with the members
/// then, the change applied (<see cref="ConversationChanges"/>), and the messages after it see it — a
/// sender no longer a member fails, and recipients are the members at the message's position. Edits,
/// deletes and reactions end a run the same way (<see cref="MessageChanges"/>), so each applies to the message as stored before it.
/// A call that ended joins the run as its system message (<see cref="CallEndedEvents"/>).
/// </summary>
internal sealed class MessageRouterWorker : BatchConsumer
{
    private readonly Counter<long> _outcomes;
    private readonly Histogram<double> _storedLatency;
    private readonly IMessageStore _store;
    private readonly StatusOutbox _outbox;
    private readonly LiveDelivery _live;
    private readonly IChannelDirectory _channels;
    private readonly IFileDirectory _files;
    private readonly IEnumerable<IMessageLogRecovery> _recoveries;
    private readonly ConversationChanges _changes;
    private readonly MessageChanges _messageChanges;
    private readonly ILogger<MessageRouterWorker> _logger;
    private readonly NotificationRequests _notifications;

    public MessageRouterWorker(IOptions<KafkaOptions> kafka, IOptions<RouterOptions> options, EventProducer producer, ConsumerMetrics consumerMetrics,
        IMessageStore store, IChannelDirectory channels, IFileDirectory files, StatusOutbox outbox, LiveDelivery live, IMeterFactory meters,
        IEnumerable<IMessageLogRecovery> recoveries, ConversationChanges changes, MessageChanges messageChanges, ILogger<MessageRouterWorker> logger,
        NotificationRequests notifications)
        : base(Topics.Messages, options.Value.ConsumerGroup, kafka.Value, producer, consumerMetrics, logger)
    {
        _notifications = notifications;
        _recoveries = recoveries;
        _changes = changes;
        _messageChanges = messageChanges;
        _store = store;
        _outbox = outbox;
        _live = live;
        _channels = channels;
        _files = files;
        _logger = logger;
        MaxBatchSize = options.Value.MaxBatchSize;
        var meter = meters.CreateChatMeter();
        _outcomes = meter.CreateCounter<long>("chat.router.messages", description: "Messages by outcome");
        _storedLatency = meter.CreateHistogram<double>("chat.message.stored_latency", "s",
            "From the Frontend's accept (POST) to the Router's store commit");
    }

    /// <summary>Accepted messages the log dropped before we stored them: the acceptance journal (embedded mode) produces them again.</summary>
    protected override void OnRecordsLost()
    {
        foreach (var recovery in _recoveries) recovery.RecordsLost();
    }

    protected override async Task ProcessBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, BatchSpans spans, CancellationToken cancellationToken)
    {
        // Messages are stored a run at a time; a change ends the run, so each message sees the membership at its position.
        var run = new List<(ConsumeResult<string, byte[]> Record, NewMessage Message)>(batch.Count);
        foreach (var record in batch)
        {
            var (message, change, problem) = Dispatch(record);
            if (message is not null)
            {
                run.Add((record, message));
                continue;
            }
            if (change is not null)
            {
                await StoreMessagesAsync(run, spans, cancellationToken);
                run.Clear();
                problem = change.EventCase == ConversationEvent.EventOneofCase.MessageChange
                    ? await _messageChanges.ApplyAsync(change, spans.ContextOf(record), cancellationToken)
                    : await _changes.ApplyAsync(change, spans.ContextOf(record), cancellationToken);
                if (problem is null) continue;
            }
            await DeadLetterAsync(record, problem!, cancellationToken);
            _outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "dead_lettered"));
        }
        await StoreMessagesAsync(run, spans, cancellationToken);
    }

    private async Task StoreMessagesAsync(IReadOnlyList<(ConsumeResult<string, byte[]> Record, NewMessage Message)> run, BatchSpans spans, CancellationToken cancellationToken)
    {
        if (run.Count == 0) return;
        var toStore = new List<MessageToStore>(run.Count);
        var mappings = new Dictionary<string, IReadOnlyList<ChannelMapping>>();
        var conversations = await _store.FindConversationsAsync(run.Select(r => r.Message.ConversationId).ToHashSet(), cancellationToken);
        var sources = new Dictionary<string, ConsumeResult<string, byte[]>>();
        foreach (var (record, message) in run)
        {
            toStore.Add(await RouteAsync(message, conversations.GetValueOrDefault(message.ConversationId), mappings, cancellationToken));
            sources.TryAdd(message.MessageId, record);
        }

        var results = await spans.StepAsync("store write", () => _store.StoreAsync(toStore, cancellationToken),
            new KeyValuePair<string, object?>("db.operation.name", "store messages"), new KeyValuePair<string, object?>("db.operation.batch.size", toStore.Count));
        foreach (var result in results)
        {
            _outcomes.Add(1, new KeyValuePair<string, object?>("outcome", result.Outcome.ToString().ToLowerInvariant()));
            if (result.Outcome == StoreOutcome.Stored) _storedLatency.Record((result.StoredAt - result.Message.AcceptedAt).TotalSeconds);
            if (result.Outcome == StoreOutcome.NotMember)
                _logger.LogInformation("Message {MessageId} from {From} into {ConversationId} refused: the sender is no member at its position",
                    result.Message.MessageId, result.Message.From, result.Message.ConversationId);
            if (result.Outcome == StoreOutcome.Clash)
                _logger.LogWarning("Message {MessageId} from {From} into {ConversationId} refused: its id is another message's; its sender is told it failed",
                    result.Message.MessageId, result.Message.From, result.Message.ConversationId);
            if (result.Outcome == StoreOutcome.UnknownConversation)
                await DeadLetterAsync(sources[result.Message.MessageId], $"Conversation '{result.Message.ConversationId}' does not exist.", cancellationToken);
        }
        var changes = results.SelectMany(r => r.Changes ?? []).ToList();
        // Each change's events continue its message's trace, on to the connectors and webhooks.
        await _outbox.PublishAsync(changes, c => sources.TryGetValue(c.MessageId, out var record) ? spans.ContextOf(record) : default, cancellationToken);
        // Duplicates are pushed again too: after a crash between store and push, the replay is the
        // only push the recipient gets. Sockets skip what they already sent.
        var pushed = new List<StoredMessage>(results.Count);
        foreach (var result in results.Where(r => r.Outcome is StoreOutcome.Stored or StoreOutcome.Duplicate))
            // A reply goes out with the quote of what it answers, as the store reads it.
            pushed.Add(result.Message.ReplyTo is not null && await _store.FindMessageAsync(result.Message.MessageId, cancellationToken) is { } reply ? reply : result.ToStored());
        await spans.StepAsync("websocket push", () => _live.NewMessagesAsync(pushed, cancellationToken));
        await _live.StatusChangesAsync(changes, cancellationToken);
        // Those with no socket hear of it through the notifications worker (issue 20).
        await _notifications.RequestAsync(results, id => sources.TryGetValue(id, out var record) ? spans.ContextOf(record) : default, cancellationToken);
    }

    /// <summary>
    /// The message addressed to the members at its position: to every other member when <c>to</c> was left
    /// out, else to those it names who are members (the others' deliveries <c>failed</c>); refused when its
    /// sender is no member. An unknown conversation is the store's to report.
    /// </summary>
    private async Task<MessageToStore> RouteAsync(NewMessage message, Conversation? conversation, Dictionary<string, IReadOnlyList<ChannelMapping>> mappings,
        CancellationToken ct)
    {
        if (conversation is null) return new MessageToStore(message, []);
        if (!conversation.HasMember(message.From))
        {
            var why = $"'{message.From}' is not a member of conversation '{message.ConversationId}' where this message stands (removed or left before it); nothing was stored.";
            return new MessageToStore(message, Failed(message.To, why), why);
        }
        var named = message.ToEveryone ? conversation.Members.Where(m => m != message.From).ToList() : message.To;
        var members = named.Where(conversation.HasMember).ToList();
        var outsiders = Failed(named.Where(n => !conversation.HasMember(n)).ToList(),
            $"Not a member of conversation '{message.ConversationId}' where this message stands (left or removed before it).");
        var addressed = message with { To = members };
        return new MessageToStore(addressed, [.. await DeliveriesAsync(addressed, mappings, ct), .. outsiders]);

        List<Delivery> Failed(IReadOnlyList<string> recipients, string detail) =>
            recipients.SelectMany(r => message.Channels.Select(c => new Delivery(r, c, MessageStatus.Failed, detail))).ToList();
    }

    /// <summary>
    /// Each recipient on each requested channel: the app channel is "sent" once stored (pushed to
    /// sockets after); another channel is "sent" when the recipient has a mapping there (handed to
    /// its connector), else "failed" with the reason.
    /// </summary>
    private async Task<IReadOnlyList<Delivery>> DeliveriesAsync(NewMessage message, Dictionary<string, IReadOnlyList<ChannelMapping>> mappings, CancellationToken ct)
    {
        var deliveries = new List<Delivery>();
        if (message.Payload.Type == "file" && await CheckFileAsync(message, ct) is { } refusal)
        {
            foreach (var recipient in message.To)
                foreach (var channel in message.Channels)
                    deliveries.Add(new Delivery(recipient, channel, MessageStatus.Failed, refusal));
            return deliveries;
        }
        foreach (var recipient in message.To)
            foreach (var channel in message.Channels)
            {
                if (channel == Channels.App)
                {
                    deliveries.Add(new Delivery(recipient, channel, MessageStatus.Sent));
                    continue;
                }
                // Only app devices hold the keys; a platform would get ciphertext no one there can read (issue 21).
                if (message.Payload.Type == MessagePayload.EncryptedType)
                {
                    deliveries.Add(new Delivery(recipient, channel, MessageStatus.Failed, "encrypted messages cannot leave the app"));
                    continue;
                }
                if (!mappings.TryGetValue(recipient, out var theirs)) mappings[recipient] = theirs = await _channels.ChannelMappingsAsync(recipient, ct);
                // A pending mapping (set by the user, not proven) sends nothing: it may name someone else's account.
                deliveries.Add(theirs.Any(m => m.Channel == channel && m.Verified)
                    ? new Delivery(recipient, channel, MessageStatus.Sent)
                    : new Delivery(recipient, channel, MessageStatus.Failed, $"'{recipient}' has no verified {channel} mapping (PUT /v1/users/{recipient}/channels/{channel}, then prove it)."));
            }
        return deliveries;
    }

    /// <summary>
    /// Null when the file may go out: its upload completed. It is then recorded as shared in the
    /// conversation before the message is stored, so recipients may fetch it as soon as they see it.
    /// </summary>
    private async Task<string?> CheckFileAsync(NewMessage message, CancellationToken ct)
    {
        var file = message.Payload.FileId is { } id ? await _files.FindFileAsync(id, ct) : null;
        if (file is null) return $"File '{message.Payload.FileId}' does not exist (its upload was refused or removed).";
        if (file.Status != FileRecord.Completed)
            return $"File '{file.FileId}' is {file.Status}, not completed: POST /v1/files/complete before sending it.";
        await _files.ShareFileAsync(file.FileId, message.ConversationId, ct);
        return null;
    }

    /// <summary>
    /// What the Router does with each kind of conversation event (a message, or a change to the
    /// conversation), or why it does nothing with this record. Events of a type it does not know were
    /// refused by <see cref="ConversationEvents.Read"/> before their bytes were read.
    /// </summary>
    private static (NewMessage? Message, ConversationEvent? Change, string? Problem) Dispatch(ConsumeResult<string, byte[]> record)
    {
        var (envelope, problem) = ConversationEvents.Read(record);
        switch (envelope?.EventCase)
        {
            case null:
                return (null, null, problem);
            case ConversationEvent.EventOneofCase.Message when envelope.ConversationId != envelope.Message.ConversationId:
                return (null, null, $"a ConversationEvent of conversation '{envelope.ConversationId}' holding a message of '{envelope.Message.ConversationId}'");
            case ConversationEvent.EventOneofCase.Message:
                var (message, invalid) = Parse(envelope.Message);
                return (message, null, invalid);
            case ConversationEvent.EventOneofCase.Change:
                return ConversationChanges.Problem(envelope) is { } why ? (null, null, why) : (null, envelope, null);
            case ConversationEvent.EventOneofCase.MessageChange:
                return MessageChanges.Problem(envelope) is { } wrong ? (null, null, wrong) : (null, envelope, null);
            case ConversationEvent.EventOneofCase.CallEnded:
                var (call, incomplete) = CallEndedEvents.Parse(envelope);
                return (call, null, incomplete);
            default:
                return (null, null, $"the Router does not handle {envelope.EventCase} events");
        }
    }

    /// <summary>The message an event describes, or which of its fields are missing.</summary>
    private static (NewMessage? Message, string? Problem) Parse(MessageEvent e)
    {
        var missing = new[]
        {
            e.MessageId.Length == 0 ? "message_id" : null, e.ConversationId.Length == 0 ? "conversation_id" : null,
            e.From.Length == 0 ? "from" : null, e.To.Count == 0 ? "to" : null, e.Channels.Count == 0 ? "channels" : null,
            e.Payload is null ? "payload" : null, e.AcceptedAt is null ? "accepted_at" : null,
        }.OfType<string>().ToList();
        if (missing.Count > 0) return (null, "MessageEvent without " + string.Join(", ", missing));
        return (new NewMessage(e.MessageId, e.ConversationId, e.From, e.To.ToList(), e.Channels.ToList(),
            MessageEvents.FromPayload(e.Payload!),
            e.AcceptedAt!.ToDateTimeOffset(), e.ToEveryone, e.ReplyTo.Length > 0 ? e.ReplyTo : null,
            e.ThreadRoot.Length > 0 ? e.ThreadRoot : null, e.AlsoSendToConversation, e.Mentions.Count > 0 ? e.Mentions.ToList() : null), null);
    }
}
