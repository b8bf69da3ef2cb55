using Chat.Auth;
using Chat.Keys.Storage;
using Chat.Presence;
using Chat.Shared.Configuration;
using Chat.Shared.Kafka;
using Chat.Shared.RateLimits;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chat.Keys;

public static class KeysExtensions
{
    /// <summary>The key directory: its store, the claim limit, and the push ports for <c>keys.low</c>.</summary>
    public static IHostApplicationBuilder AddKeys(this IHostApplicationBuilder builder)
    {
        builder.AddKeyStore();
        builder.AddUserDirectory();
        builder.AddRateLimits();
        builder.AddPresencePorts();
        builder.AddKafka(); // account deletions (chat.accounts)
        builder.Services.AddAccountDeletions<AccountEndings>();
        builder.Services.AddValidatedOptions<KeysOptions>(KeysOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<KeyDirectoryHandler>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, KeysJsonContext.Default));
        return builder;
    }
}
