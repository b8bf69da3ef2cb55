using Chat.Shared.Events;
using Confluent.Kafka;
using Google.Protobuf;

namespace Chat.Shared.Kafka;

/// <summary>
/// chat.messages holds one envelope, <see cref="ConversationEvent"/>, whose case its <c>ce_type</c>
/// header names as well. The header decides how a record's bytes are read: protobuf parses any
/// bytes as any message, so a record whose type, or case, this code does not know is refused with
/// the reason and never read as something else.
/// </summary>
public static class ConversationEvents
{
    /// <summary>The <c>ce_type</c> of each case of the envelope; one missing here cannot be written or read.</summary>
    private static readonly Dictionary<ConversationEvent.EventOneofCase, string> TypeOfCase = new()
    {
        [ConversationEvent.EventOneofCase.Message] = EventTypes.Message,
        [ConversationEvent.EventOneofCase.Change] = EventTypes.ConversationChange,
        [ConversationEvent.EventOneofCase.MessageChange] = EventTypes.MessageChange,
        [ConversationEvent.EventOneofCase.CallEnded] = EventTypes.CallEnded,
    };

    public static ConversationEvent Of(MessageEvent message) =>
        new() { EventId = message.MessageId, ConversationId = message.ConversationId, Message = message };

    public static ConversationEvent Of(string eventId, string conversationId, ConversationChange change) =>
        new() { EventId = eventId, ConversationId = conversationId, Change = change };

    public static ConversationEvent Of(string eventId, string conversationId, MessageChange change) =>
        new() { EventId = eventId, ConversationId = conversationId, MessageChange = change };

    public static ConversationEvent Of(string eventId, string conversationId, CallEnded call) =>
        new() { EventId = eventId, ConversationId = conversationId, CallEnded = call };

    /// <summary>Puts the event on chat.messages, keyed by its conversation, with its case's <c>ce_type</c>; completes once the broker has it.</summary>
    public static Task PublishAsync(this EventProducer producer, ConversationEvent conversationEvent, CancellationToken cancellationToken = default)
    {
        if (!TypeOfCase.TryGetValue(conversationEvent.EventCase, out var type))
            throw new ArgumentException($"A ConversationEvent with case {conversationEvent.EventCase} has no event type to publish it under.", nameof(conversationEvent));
        return producer.ProduceAsync(Topics.Messages, conversationEvent.ConversationId, conversationEvent, type, conversationEvent.EventId, cancellationToken);
    }

    /// <summary>The event a chat.messages record carries, or why it carries none that may be read (a dead letter's reason).</summary>
    public static (ConversationEvent? Event, string? Problem) Read(ConsumeResult<string, byte[]> record)
    {
        var type = EventHeaders.Get(record.Message.Headers, EventHeaders.Type);
        if (type is null)
            return (null, $"no {EventHeaders.Type} header: a record on {Topics.Messages} must name its event type ({string.Join(", ", TypeOfCase.Values)})");
        if (type == EventTypes.LegacyMessageAccepted)
        {
            // Written before the envelope: the type says the bytes are a bare MessageEvent.
            var (bare, problem) = Parse(record, MessageEvent.Parser);
            return bare is null ? (null, problem) : (Of(bare), null);
        }
        if (!TypeOfCase.ContainsValue(type)) return (null, $"unknown event type '{type}' on {Topics.Messages}: not read");
        var (envelope, envelopeProblem) = Parse(record, ConversationEvent.Parser);
        if (envelope is null) return (null, envelopeProblem);
        if (!TypeOfCase.TryGetValue(envelope.EventCase, out var caseType))
            return (null, $"a {type} ConversationEvent holding no event this code knows (a case added later?)");
        if (caseType != type) return (null, $"{EventHeaders.Type} '{type}' but the ConversationEvent holds {caseType}");
        return (envelope, null);
    }

    /// <summary>The record's value as <typeparamref name="T"/>, or why it is not one.</summary>
    internal static (T? Value, string? Problem) Parse<T>(ConsumeResult<string, byte[]> record, MessageParser<T> parser) where T : class, IMessage<T>
    {
        try
        {
            return (parser.ParseFrom(record.Message.Value ?? []), null);
        }
        catch (InvalidProtocolBufferException e)
        {
            return (null, $"not a {typeof(T).Name}: protobuf does not parse ({e.Message})");
        }
    }
}
