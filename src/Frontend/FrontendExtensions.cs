using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chat.Frontend;

public static class FrontendExtensions
{
    public static IHostApplicationBuilder AddFrontend(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MessagesOptions>().BindConfiguration(MessagesOptions.Section).ValidateOnStart();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, FrontendJsonContext.Default));
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<AcceptedMessages>();
        builder.Services.AddSingleton<MessageSender>();
        builder.Services.AddSingleton<ConversationCache>();
        builder.Services.TryAddSingleton<SendMessageHandler>();
        builder.Services.TryAddSingleton<MessageStatusHandler>();
        builder.Services.TryAddSingleton<CreateConversationHandler>();
        builder.Services.TryAddSingleton<ListConversationsHandler>();
        builder.Services.TryAddSingleton<ReadHistoryHandler>();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    public static IEndpointRouteBuilder MapFrontend(this IEndpointRouteBuilder app)
    {
        app.MapConversationsApi();
        app.MapMessagesApi();
        return app;
    }
}
