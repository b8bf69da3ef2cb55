using Chat.Auth;
using Chat.Files;
using Chat.Presence;
using Chat.Storage;

namespace Chat.Router;

public static class RouterExtensions
{
    /// <summary>The chat.messages and chat.receipts consumers, the outbox relay, live pushes and connector handoff; needs both stores and Kafka.</summary>
    public static IHostApplicationBuilder AddRouter(this IHostApplicationBuilder builder)
    {
        builder.AddMessageStore();
        builder.AddChannelDirectory();
        builder.AddFileDirectory();
        builder.AddPresencePorts();
        builder.Services.AddSingleton<LiveDelivery>();
        builder.Services.AddSingleton<DeliveryHandoff>();
        builder.Services.AddHostedService<ReceiptWorker>();
        builder.Services.AddOptions<RouterOptions>().BindConfiguration(RouterOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<StatusOutbox>();
        builder.Services.AddHostedService<MessageRouterWorker>();
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}

/// <summary>Section <c>Router</c>.</summary>
public sealed class RouterOptions
{
    public const string Section = "Router";

    public string ConsumerGroup { get; set; } = "chat-router";

    public string ReceiptsConsumerGroup { get; set; } = "chat-router-receipts";

    public int MaxBatchSize { get; set; } = 500;

    /// <summary>How often leftovers of a crash between store and publish are looked for.</summary>
    public TimeSpan OutboxSweepInterval { get; set; } = TimeSpan.FromSeconds(10);
}
