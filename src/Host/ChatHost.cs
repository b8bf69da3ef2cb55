using Chat.Auth;
using Chat.Connectors;
using Chat.Files;
using Chat.Frontend;
using Chat.Frontend.Journal;
using Chat.Keys;
using Chat.Media;
using Chat.Notifications;
using Chat.Presence;
using Chat.Router;
using Chat.Shared.Http;
using Chat.Shared.Kafka;
using Chat.Storage;
using Chat.Web;
using Chat.Webhooks;

namespace Chat.Host;

/// <summary>All services composed into one process — what <c>dotnet run --project src/Host</c> starts.</summary>
public static class ChatHost
{
    /// <param name="configure">Runs before anything reads configuration (tests add their settings here).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var embeddedBroker = string.IsNullOrWhiteSpace(builder.Configuration["Kafka:BootstrapServers"]);
        builder.AddEmbeddedKafkaWhenUnconfigured();
        builder.AddServiceDefaults();
        if (builder.Configuration["Chat:Role"] == "broker") return BrokerOnly(builder);
        builder.AddChatAuthentication();
        builder.AddAuth();
        builder.AddFrontend();
        // The embedded broker forgets everything with the process: the Frontend journals what it accepted.
        if (embeddedBroker) builder.AddAcceptanceJournal();
        builder.AddRouter();
        builder.AddPresence();
        builder.AddFiles();
        builder.AddKeys();
        builder.AddWebClient();
        // Connectors:Enabled=false leaves the connector workers to a separate Connectors process.
        var connectors = builder.Configuration.GetValue("Connectors:Enabled", true);
        if (connectors) builder.AddConnectors();
        // Webhooks:Enabled=false likewise leaves webhook delivery to a separate Webhooks process.
        var webhooks = builder.Configuration.GetValue("Webhooks:Enabled", true);
        if (webhooks) builder.AddWebhooks();
        // Notifications:Enabled=false leaves push notifications to a separate Notifications process.
        var notifications = builder.Configuration.GetValue("Notifications:Enabled", true);
        if (notifications) builder.AddNotifications();
        // Media:Enabled=false leaves thumbnails to a separate Media process.
        if (builder.Configuration.GetValue("Media:Enabled", true)) builder.AddMedia();

        var app = builder.Build();
        app.UseWebClient();
        app.UseServiceDefaults();
        app.UseAuthRateLimits();
        app.MapAuthApi();
        app.MapFrontend();
        app.MapPresenceApi();
        app.MapFiles();
        app.MapKeys();
        if (connectors) app.MapConnectors();
        if (webhooks) app.MapWebhooksApi();
        if (notifications) app.MapNotifications();
        return app;
    }

    /// <summary>
    /// <c>Chat:Role=broker</c>: only the embedded broker (with its health endpoints), for services
    /// run as separate processes to share. Give it a fixed port with <c>Kafka:EmbeddedPort</c>.
    /// </summary>
    private static WebApplication BrokerOnly(WebApplicationBuilder builder)
    {
        builder.AddKafka(); // its readiness is the embedded broker's
        builder.AddChatAuthentication();
        var app = builder.Build();
        app.UseServiceDefaults();
        return app;
    }
}
