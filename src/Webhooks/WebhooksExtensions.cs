using Chat.Shared.Configuration;
using Chat.Shared.Kafka;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chat.Webhooks;

public static class WebhooksExtensions
{
    /// <summary>Registration, the chat.status fan-out consumer and the dispatcher.</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.AddWebhookStores();
        builder.AddKafka();
        builder.Services.AddValidatedOptions<WebhooksOptions>(WebhooksOptions.Section);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<IHostResolver, DnsHostResolver>();
        builder.Services.TryAddSingleton<TargetGuard>();
        builder.Services.TryAddSingleton<GuardedConnection>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<RegisterWebhookHandler>();
        builder.Services.TryAddSingleton<OwnWebhooksHandler>();
        // No automatic redirects: a redirect could lead a delivery to an address the guard refused.
        // Every connection goes through the guard (DNS rebinding); no proxy, or the guard would see the proxy's address, not the target's.
        builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectCallback = services.GetRequiredService<GuardedConnection>().ConnectAsync,
            });
        builder.Services.AddHostedService<WebhookFanout>();
        builder.Services.AddHostedService<ConversationWebhookFanout>();
        builder.Services.AddAccountDeletions<AccountEndings>();
        builder.Services.AddHostedService<WebhookDispatcher>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, WebhooksJsonContext.Default));
        return builder;
    }
}
