using Chat.Files;
using Chat.Presence;
using Chat.Shared.Configuration;
using Chat.Shared.Kafka;
using Chat.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chat.Media;

public static class MediaExtensions
{
    /// <summary>The media worker: its chat.files consumer (thumbnails), the file records and object store it writes, and the push ports for <c>file.updated</c>.</summary>
    public static IHostApplicationBuilder AddMedia(this IHostApplicationBuilder builder)
    {
        builder.AddFileRecordStore();
        builder.AddObjectStore();
        builder.AddMessageStore(); // conversation members, for file.updated
        builder.AddPresencePorts();
        builder.AddKafka();
        builder.Services.AddValidatedOptions<MediaOptions>(MediaOptions.Section);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<ThumbnailWorker>();
        return builder;
    }
}
