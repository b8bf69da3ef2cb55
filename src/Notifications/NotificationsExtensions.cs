using Chat.Auth;
using Chat.Notifications.Storage;
using Chat.Shared.Configuration;
using Chat.Shared.Kafka;
using Chat.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chat.Notifications;

public static class NotificationsExtensions
{
    /// <summary>Devices and preferences, the chat.notifications consumer, the push dispatcher and the logout watcher.</summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.AddNotificationStore();
        builder.AddMessageStore(); // conversations: mute only one's own, push only to members
        builder.AddBlockDirectory(); // no push from someone the recipient blocked
        builder.AddKafka();
        builder.Services.AddValidatedOptions<NotificationsOptions>(NotificationsOptions.Section);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<VapidKeys>();
        builder.Services.TryAddSingleton<DeviceRules>();
        builder.Services.TryAddSingleton<PushBreakers>();
        builder.Services.TryAddSingleton<DevicesHandler>();
        builder.Services.TryAddSingleton<PreferencesHandler>();
        builder.Services.TryAddSingleton<LevelHandler>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPushService, WebPushService>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPushService, FcmService>());
        // FCM and its token endpoint are configured by the operator, not by users: an ordinary client.
        builder.Services.AddHttpClient(FcmService.HttpClientName);
        // No redirects (one could lead where the guard refused) and no proxy (the guard must see the target's address).
        builder.Services.AddHttpClient(WebPushService.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectCallback = PushHttp.GuardedConnect(services.GetRequiredService<IOptions<NotificationsOptions>>()),
            });
        builder.Services.AddHostedService<NotificationWorker>();
        builder.Services.AddHostedService<PushDispatcher>();
        builder.Services.AddHostedService<SessionEndings>();
        builder.Services.AddAccountDeletions<AccountEndings>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, NotificationsJsonContext.Default));
        return builder;
    }
}
