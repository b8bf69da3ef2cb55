using System.Diagnostics;
using Confluent.Kafka;

namespace Chat.Shared.Kafka;

/// <summary>
/// The spans of one consumed batch: a span for the batch itself, linked to every record's producer,
/// and one consumer span per record, child of the span that produced it (its <c>traceparent</c>
/// header). So each record's trace runs on through every consumer, from <c>POST /v1/messages</c> to
/// the platform's answer and the webhook's 2xx. Work done for one record runs inside
/// <see cref="Enter"/> (or names <see cref="ContextOf"/> as its parent); a batch step shared by all
/// records appears in each record's trace through <see cref="StepAsync{T}"/>, since one span cannot
/// have many parents. The batch span is current while the batch is processed.
/// </summary>
public sealed class BatchSpans : IDisposable
{
    private readonly Activity? _previous = Activity.Current;
    private readonly Activity? _batch;
    private readonly Dictionary<ConsumeResult<string, byte[]>, Activity> _records = new(ReferenceEqualityComparer.Instance);

    public BatchSpans(IReadOnlyList<ConsumeResult<string, byte[]>> batch, string topic, string groupId)
    {
        if (!ChatTelemetry.Source.HasListeners()) return;
        _batch = ChatTelemetry.Source.StartActivity($"{topic} process", ActivityKind.Consumer, default(ActivityContext),
            [new("messaging.system", "kafka"), new("messaging.consumer.group.name", groupId), new("messaging.batch.message_count", batch.Count)],
            links: batch.Select(r => ProducerOf(r) is { } context ? new ActivityLink(context) : (ActivityLink?)null).OfType<ActivityLink>());
        foreach (var record in batch)
        {
            if (ProducerOf(record) is not { } parent) continue;
            var span = ChatTelemetry.Source.StartActivity($"{record.Topic} process", ActivityKind.Consumer, parent, [
                new("messaging.system", "kafka"), new("messaging.operation.type", "process"), new("messaging.destination.name", record.Topic),
                new("messaging.destination.partition.id", record.Partition.Value.ToString()), new("messaging.consumer.group.name", groupId),
                new("messaging.kafka.message.key", record.Message.Key), new("messaging.kafka.offset", record.Offset.Value),
                new("messaging.message.id", EventHeaders.Get(record.Message.Headers, EventHeaders.Id)),
            ]);
            if (span is not null) _records[record] = span;
        }
        Activity.Current = _batch; // starting the record spans made the last one current
    }

    /// <summary>The record's consumer span, to parent work done for it (default when it carried no trace).</summary>
    public ActivityContext ContextOf(ConsumeResult<string, byte[]> record) => _records.TryGetValue(record, out var span) ? span.Context : default;

    /// <summary>The record's consumer span as a W3C <c>traceparent</c>, for work that runs later from a stored row.</summary>
    public string? TraceParentOf(ConsumeResult<string, byte[]> record) => _records.TryGetValue(record, out var span) ? span.Id : null;

    /// <summary>Makes the record's span current until disposed, so produce and HTTP spans of its work land in its trace.</summary>
    public Scope Enter(ConsumeResult<string, byte[]> record)
    {
        var previous = Activity.Current;
        if (_records.TryGetValue(record, out var span)) Activity.Current = span;
        return new Scope(previous);
    }

    /// <summary>Runs one step of the batch, then records it as a child span in every record's trace.</summary>
    public async Task<T> StepAsync<T>(string name, Func<Task<T>> step, params KeyValuePair<string, object?>[] tags)
    {
        var started = DateTimeOffset.UtcNow;
        var result = await step();
        var ended = DateTimeOffset.UtcNow;
        var current = Activity.Current;
        foreach (var parent in _records.Values)
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
        foreach (var span in _records.Values) span.Stop();
        _batch?.Stop();
        Activity.Current = _previous;
    }

    /// <summary>The span that produced a record, from its <c>traceparent</c> header.</summary>
    public static ActivityContext? ProducerOf(ConsumeResult<string, byte[]> record) =>
        EventHeaders.Get(record.Message.Headers, EventHeaders.TraceParent) is { } parent && ActivityContext.TryParse(parent, null, isRemote: true, out var context)
            ? context
            : null;

    /// <summary>Puts back the span that was current before <see cref="Enter"/>.</summary>
    public readonly struct Scope(Activity? previous) : IDisposable
    {
        public void Dispose() => Activity.Current = previous;
    }
}
