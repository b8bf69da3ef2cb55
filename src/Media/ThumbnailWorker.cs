using System.Diagnostics;
using System.Diagnostics.Metrics;
using Chat.Files;
using Chat.Files.Media;
using Chat.Presence;
using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Chat.Media;

/// <summary>
/// Consumer group <c>chat-media</c> on chat.files. For each completed JPEG, PNG or WebP: a thumbnail
/// (<see cref="Thumbnailer"/>) stored beside the object, then the record marked <c>ready</c> with the
/// image's and the thumbnail's sizes, then <c>file.updated</c> to the uploader and the members of every
/// conversation the file was sent to. The offsets commit only after the record is written, so a crash
/// makes the thumbnail again rather than never. Bytes libvips cannot decode mark the file <c>failed</c>
/// (and are not tried again: the same bytes would fail the same way), as does an object gone from the
/// store; a store that cannot be reached throws, and the batch is offered again.
/// </summary>
internal sealed class ThumbnailWorker(
    IFileRecordStore files, IObjectStore objects, IMessageStore conversations, LivePush live, EventProducer producer, ConsumerMetrics metrics,
    IOptions<KafkaOptions> kafka, IOptions<MediaOptions> options, IOptions<FilesOptions> filesOptions, TimeProvider clock, IMeterFactory meters,
    ILogger<ThumbnailWorker> logger)
    : BatchConsumer(Topics.Files, options.Value.ConsumerGroup, kafka.Value, producer, metrics, logger)
{
    private readonly Counter<long> _made = meters.CreateChatMeter().CreateCounter<long>(
        "chat.media.thumbnails", description: "Images the media worker finished with, by outcome (ready, failed)");

    private readonly Histogram<double> _duration = meters.CreateChatMeter().CreateHistogram<double>(
        "chat.media.thumbnail.duration", unit: "s", description: "Decoding an image and encoding its thumbnail");

    protected override async Task ProcessBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, BatchSpans spans, CancellationToken cancellationToken)
    {
        foreach (var record in batch)
        {
            var (fileEvent, problem) = ParseRecord(record, FileEvent.Parser);
            if (fileEvent is null)
            {
                await DeadLetterAsync(record, problem!, cancellationToken);
                continue;
            }
            using (spans.Enter(record))
                await HandleAsync(fileEvent.FileId, cancellationToken);
        }
    }

    private async Task HandleAsync(string fileId, CancellationToken ct)
    {
        // The record, not the event, says what is served now (and whether this was done before: a replay).
        if (await files.FindFileAsync(fileId, ct) is not { Status: FileRecord.Completed, Thumbnail: null } file
            || !MetadataStripper.Strippable.Contains(file.ContentType)) return;

        var temp = Path.GetTempFileName();
        try
        {
            var timer = Stopwatch.StartNew();
            FileRecord updated;
            try
            {
                await using (var local = File.Create(temp))
                await using (var content = await objects.OpenReadAsync(file.ObjectKey, ct)
                    ?? throw new UndecodableImageException($"its object {file.ObjectKey} is gone from the store."))
                    await content.CopyToAsync(local, ct);
                timer.Restart();
                var made = await Task.Run(() => Thumbnailer.Make(temp, options.Value.ThumbnailSize, options.Value.MaxPixels), ct);
                _duration.Record(timer.Elapsed.TotalSeconds);
                var key = Thumbnails.KeyFor(file);
                using (var jpeg = new MemoryStream(made.Jpeg, writable: false))
                    await objects.PutAsync(key, jpeg, "image/jpeg", ct);
                updated = file with
                {
                    Thumbnail = FileRecord.ThumbnailReady,
                    ThumbnailKey = key,
                    Width = made.Width,
                    Height = made.Height,
                    ThumbnailWidth = made.ThumbnailWidth,
                    ThumbnailHeight = made.ThumbnailHeight,
                };
            }
            catch (UndecodableImageException e)
            {
                logger.LogInformation("File {FileId} ({ContentType}) gets no thumbnail: {Reason}", fileId, file.ContentType, e.Message);
                updated = file with { Thumbnail = FileRecord.ThumbnailFailed };
            }
            await files.PutFileAsync(updated, ct);
            _made.Add(1, new KeyValuePair<string, object?>("outcome", updated.Thumbnail));
            await TellAsync(updated, ct);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Best effort: a socket that misses the frame reads the thumbnail in the file's metadata.</summary>
    private async Task TellAsync(FileRecord file, CancellationToken ct)
    {
        try
        {
            var readers = new HashSet<string>(StringComparer.Ordinal) { file.Owner };
            foreach (var conversationId in file.SharedIn)
                if (await conversations.FindConversationAsync(conversationId, ct) is { } conversation) readers.UnionWith(conversation.Members);
            var expiresAt = clock.GetUtcNow() + filesOptions.Value.DownloadUrlLifetime;
            var url = await file.PresignThumbnailAsync(objects, expiresAt, ct);
            var frame = Frames.FileUpdated(new FileUpdatedFrame("", file.FileId, file.Thumbnail!, url, url is null ? null : expiresAt,
                file.Width, file.Height, file.ThumbnailWidth, file.ThumbnailHeight));
            await live.SendAsync(readers.ToList(), frame, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "file.updated for {FileId} was not pushed", file.FileId);
        }
    }
}
