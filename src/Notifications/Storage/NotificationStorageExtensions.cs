using Chat.Storage;

namespace Chat.Notifications.Storage;

public static class NotificationStorageExtensions
{
    /// <summary>SQLite <c>notifications.db</c>, whatever <c>Store:Kind</c> says (a MongoDB adapter is not written yet).</summary>
    public static IHostApplicationBuilder AddNotificationStore(this IHostApplicationBuilder builder)
    {
        builder.TryAddStore<INotificationStore>("notification-store", sp => new SqliteNotificationStore(sp.DataFile("notifications.db")),
            (store, ct) => store.DuePushesAsync(DateTimeOffset.MinValue, 1, ct));
        return builder;
    }
}
