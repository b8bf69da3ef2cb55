using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chat.Webhooks;

public static class WebhooksExtensions
{
    /// <summary>Registration, the chat.status fan-out consumer and the dispatcher.</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhooksOptions>().BindConfiguration(WebhooksOptions.Section)
            .Validate(o => o.Schedule().Count > 0, "Webhooks:RetrySchedule needs at least one entry, like 0s,5s,5m.")
            .ValidateOnStart();
        builder.Services.AddSingleton<TargetGuard>();
        builder.Services.TryAddSingleton<RegisterWebhookHandler>();
        builder.Services.TryAddSingleton<OwnWebhooksHandler>();
        builder.Services.AddSingleton(TimeProvider.System);
        // No automatic redirects: a redirect could lead a delivery to an address the guard refused.
        builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        builder.Services.AddHostedService<WebhookFanout>();
        builder.Services.AddHostedService<WebhookDispatcher>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, WebhooksJsonContext.Default));
        return builder;
    }
}
