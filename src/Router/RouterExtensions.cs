using System.ComponentModel.DataAnnotations;
using Chat.Auth;
using Chat.Files;
using Chat.Presence;
using Chat.Shared.Configuration;
using Chat.Shared.Kafka;
using Chat.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chat.Router;

public static class RouterExtensions
{
    /// <summary>The chat.messages and chat.receipts consumers, the outbox relay, live pushes and connector handoff; needs both stores.</summary>
    public static IHostApplicationBuilder AddRouter(this IHostApplicationBuilder builder)
    {
        builder.AddMessageStore();
        builder.AddChannelDirectory();
        builder.AddUserDirectory();
        builder.AddFileDirectory();
        builder.AddKafka();
        builder.AddPresencePorts();
        builder.Services.AddValidatedOptions<RouterOptions>(RouterOptions.Section);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<LiveDelivery>();
        builder.Services.TryAddSingleton<NotificationRequests>();
        builder.Services.TryAddSingleton<DeliveryHandoff>();
        builder.Services.TryAddSingleton<StatusOutbox>();
        builder.Services.TryAddSingleton<ConversationChanges>();
        builder.Services.TryAddSingleton<MessageChanges>();
        builder.Services.AddValidatedOptions<MessageChangeOptions>(MessageChangeOptions.Section);
        builder.Services.AddHostedService<ReceiptWorker>();
        builder.Services.AddHostedService<MessageRouterWorker>();
        builder.Services.AddHostedService<OutboxRelay>();
        return builder;
    }
}

/// <summary>Section <c>Router</c>.</summary>
public sealed class RouterOptions
{
    public const string Section = "Router";

    [Required(ErrorMessage = "expected a consumer group name, like chat-router.")]
    public string ConsumerGroup { get; set; } = "chat-router";

    [Required(ErrorMessage = "expected a consumer group name, like chat-router-receipts.")]
    public string ReceiptsConsumerGroup { get; set; } = "chat-router-receipts";

    [AtLeast(1)]
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>How often leftovers of a crash between store and publish are looked for.</summary>
    [Positive]
    public TimeSpan OutboxSweepInterval { get; set; } = TimeSpan.FromSeconds(10);
}
