using System.Diagnostics;
using Chat.Shared;
using Chat.Shared.Kafka;
using Confluent.Kafka;

namespace Chat.Router;

/// <summary>
/// One consumer span per record, child of the span that produced it (its <c>traceparent</c>
/// header), so each message's trace runs on from <c>POST /v1/messages</c> through the Router. The
/// batch's shared steps (store write, live push) appear in every message's trace as child spans
/// timed as they happened, since one batch step cannot have many parents.
/// </summary>
internal sealed class MessageSpans : IDisposable
{
    private readonly List<Activity> _spans = [];

    public MessageSpans(IReadOnlyList<ConsumeResult<string, byte[]>> batch, string groupId)
    {
        if (!ChatTelemetry.Source.HasListeners()) return;
        var current = Activity.Current;
        foreach (var record in batch)
        {
            if (EventHeaders.Get(record.Message.Headers, EventHeaders.TraceParent) is not { } parent || !ActivityContext.TryParse(parent, null, isRemote: true, out var context))
                continue;
            var span = ChatTelemetry.Source.StartActivity($"{record.Topic} process", ActivityKind.Consumer, context, [
                new("messaging.system", "kafka"), new("messaging.operation.type", "process"), new("messaging.destination.name", record.Topic),
                new("messaging.destination.partition.id", record.Partition.Value.ToString()), new("messaging.consumer.group.name", groupId),
                new("messaging.kafka.message.key", record.Message.Key), new("messaging.kafka.offset", record.Offset.Value),
                new("messaging.message.id", EventHeaders.Get(record.Message.Headers, EventHeaders.Id)),
            ]);
            if (span is not null) _spans.Add(span);
        }
        Activity.Current = current; // starting spans made the last one current; the batch's own span stays so
    }

    /// <summary>Runs one step of the batch, then records it as a child span in every message's trace.</summary>
    public async Task<T> StepAsync<T>(string name, Func<Task<T>> step, params KeyValuePair<string, object?>[] tags)
    {
        var started = DateTimeOffset.UtcNow;
        var result = await step();
        var ended = DateTimeOffset.UtcNow;
        var current = Activity.Current;
        foreach (var parent in _spans)
        {
            using var child = ChatTelemetry.Source.StartActivity(name, ActivityKind.Internal, parent.Context, tags, startTime: started);
            child?.SetEndTime(ended.UtcDateTime);
        }
        Activity.Current = current;
        return result;
    }

    public async Task StepAsync(string name, Func<Task> step, params KeyValuePair<string, object?>[] tags) =>
        await StepAsync(name, async () => { await step(); return true; }, tags);

    public void Dispose()
    {
        var current = Activity.Current;
        foreach (var span in _spans) span.Stop();
        Activity.Current = current;
    }
}
