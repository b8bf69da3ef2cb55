using Chat.Auth;
using Chat.Files;
using Chat.Shared.Configuration;
using Chat.Shared.Kafka;
using Chat.Shared.RateLimits;
using Chat.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chat.Frontend;

public static class FrontendExtensions
{
    /// <summary>The messages and conversations API: validation, the accepted-message memory, and the producer onto chat.messages.</summary>
    public static IHostApplicationBuilder AddFrontend(this IHostApplicationBuilder builder)
    {
        builder.AddMessageStore();
        builder.AddUserDirectory();
        builder.AddBlockDirectory();
        builder.AddFileDirectory();
        builder.AddObjectStore(); // thumbnail URLs in history pages
        builder.AddKafka();
        builder.AddRateLimits();
        builder.Services.AddValidatedOptions<MessagesOptions>(MessagesOptions.Section);
        builder.Services.AddValidatedOptions<MentionsOptions>(MentionsOptions.Section);
        builder.Services.AddValidatedOptions<MessageChangeOptions>(MessageChangeOptions.Section);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, FrontendJsonContext.Default));
        builder.Services.AddMemoryCache();
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<AcceptedMessages>();
        builder.Services.TryAddSingleton<Allowances>();
        builder.Services.TryAddSingleton<MessageSender>();
        builder.Services.TryAddSingleton<ConversationCache>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<SendMessageHandler>();
        builder.Services.TryAddSingleton<MessageStatusHandler>();
        builder.Services.TryAddSingleton<CreateConversationHandler>();
        builder.Services.TryAddSingleton<ListConversationsHandler>();
        builder.Services.TryAddSingleton<ReadHistoryHandler>();
        builder.Services.TryAddSingleton<FileThumbnails>();
        builder.Services.TryAddSingleton<ChangeConversationHandler>();
        builder.Services.TryAddSingleton<ChangeMessageHandler>();
        builder.Services.TryAddSingleton<ConversationDetailsHandler>();
        builder.Services.AddHostedService<ConversationCacheEviction>();
        builder.Services.AddAccountDeletions<AccountDepartures>();
        builder.Services.TryAddSingleton<MarkReadHandler>();
        builder.Services.TryAddSingleton<MarkUnreadHandler>();
        builder.Services.TryAddSingleton<ReadReceiptsHandler>();
        builder.Services.TryAddSingleton<RenewEpochHandler>();
        builder.Services.TryAddSingleton<UnreadHandler>();
        builder.Services.TryAddSingleton<StarsHandler>();
        builder.Services.TryAddSingleton<ThreadsHandler>();
        builder.Services.TryAddSingleton<PinsHandler>();
        builder.Services.TryAddSingleton<SearchMessagesHandler>();
        return builder;
    }

    public static IEndpointRouteBuilder MapFrontend(this IEndpointRouteBuilder app)
    {
        app.MapConversationsApi();
        app.MapGroupsApi();
        app.MapMessagesApi();
        app.MapMessageChangesApi();
        app.MapReadCursorsApi();
        app.MapSearchApi();
        app.MapThreadsApi();
        app.MapPinsApi();
        return app;
    }
}
