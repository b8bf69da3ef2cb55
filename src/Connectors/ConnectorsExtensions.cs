using System.Text.Json.Serialization;
using Chat.Auth;
using Chat.Connectors.Mock;
using Chat.Connectors.Telegram;
using Chat.Files;
using Chat.Shared.Configuration;
using Chat.Shared.Http;
using Chat.Shared.Kafka;
using Chat.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chat.Connectors;

public static class ConnectorsExtensions
{
    /// <summary>Telegram (when <c>Connectors:Telegram:BotToken</c> is set), the mock platforms, the delivery worker, retries and inbound webhooks.</summary>
    public static IHostApplicationBuilder AddConnectors(this IHostApplicationBuilder builder)
    {
        builder.AddConnectorDeliveryStore();
        builder.AddChannelDirectory();
        builder.AddFileDirectory();
        builder.AddMessageStore();
        builder.AddKafka();
        builder.Services.AddValidatedOptions<ConnectorsOptions>(ConnectorsOptions.Section);
        builder.Services.AddMetrics();
        builder.Services.AddHttpClient("telegram");
        if (!string.IsNullOrEmpty(builder.Configuration["Connectors:Telegram:BotToken"]))
            builder.Services.AddSingleton<IConnector, TelegramConnector>();
        foreach (var (channel, select) in new (string, Func<ConnectorsOptions, MockPlatformOptions>)[]
                 { ("whatsapp", o => o.WhatsApp), ("instagram", o => o.Instagram), ("messenger", o => o.Messenger) })
            builder.Services.AddSingleton<IConnector>(sp => new MockConnector(channel, select(sp.GetRequiredService<IOptions<ConnectorsOptions>>().Value),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger($"Chat.Connectors.Mock.{channel}")));
        builder.AddObjectStore();
        builder.Services.TryAddSingleton<FileLinks>();
        builder.Services.TryAddSingleton<ConnectorPipelines>();
        builder.Services.TryAddSingleton<PlatformChanges>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<InboundMessageHandler>();
        builder.Services.TryAddSingleton<DeadDeliveriesHandler>();
        builder.Services.AddHostedService<DeliveryWorker>();
        builder.Services.AddHostedService<RetryScheduler>();
        builder.Services.AddHealthChecks().AddCheck<ConnectorHealthCheck>("connectors", tags: [HealthTags.Ready]);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ConnectorsJsonContext.Default));
        return builder;
    }

    public static IEndpointRouteBuilder MapConnectors(this IEndpointRouteBuilder app)
    {
        app.MapInboundApi();
        app.MapConnectorsAdminApi();
        return app;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DeadDeliveryList))]
[JsonSerializable(typeof(ConnectorStates))]
internal sealed partial class ConnectorsJsonContext : JsonSerializerContext;
