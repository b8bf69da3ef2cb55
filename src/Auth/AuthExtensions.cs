using System.Threading.RateLimiting;
using Chat.Files;
using Chat.Shared;
using Chat.Shared.Configuration;
using Chat.Shared.Http;
using Chat.Shared.Kafka;
using Chat.Shared.RateLimits;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chat.Auth;

public static class AuthExtensions
{
    /// <summary>Token issuing and its key ring (also handed to this process's token validation), clients, mappings, throttling.</summary>
    public static IHostApplicationBuilder AddAuth(this IHostApplicationBuilder builder)
    {
        builder.AddAccountStore();
        builder.AddChannelMappingStore();
        builder.AddBlockList();
        builder.AddFileDirectory(); // a profile's picture is one of the user's uploads
        builder.AddRateLimits(); // user search
        builder.AddKafka(gatesReadiness: false); // account deletions, for the other services (chat.accounts)
        builder.Services.TryAddSingleton<KeyRing>();
        builder.Services.TryAddSingleton<TokenIssuer>();
        builder.Services.TryAddSingleton<RefreshTokens>();
        builder.Services.TryAddSingleton<LogoutHandler>();
        // Auth reads revocations from its own store (every instance sees the others' within a poll), not over HTTP.
        builder.Services.RemoveAll<IRevocationFeed>();
        builder.Services.AddSingleton<IRevocationFeed, AccountRevocationFeed>();
        builder.Services.TryAddSingleton<RevokedTokens>();
        builder.Services.TryAddSingleton<PasswordHasher>();
        builder.Services.TryAddSingleton<LoginThrottle>();
        builder.Services.TryAddSingleton<RegisterUserHandler>();
        builder.Services.TryAddSingleton<IssueTokenHandler>();
        builder.Services.TryAddSingleton<CreateClientHandler>();
        builder.Services.TryAddSingleton<ChannelMappingsHandler>();
        builder.Services.TryAddSingleton<BlocksHandler>();
        builder.Services.TryAddSingleton<Sessions>();
        builder.Services.TryAddSingleton<ProfilesHandler>();
        builder.Services.TryAddSingleton<AccountHandler>();
        builder.Services.AddMemoryCache();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddValidatedOptions<AuthOptions>(AuthOptions.Section);
        builder.Services.AddValidatedOptions<ChatOptions>(ChatOptions.Section);
        builder.Services.AddValidatedOptions<ChannelProofOptions>(ChannelProofOptions.Section);
        builder.Services.AddValidatedOptions<SessionOptions>(AuthOptions.Section);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AuthJsonContext.Default));
        // Keys are looked up per token, so a rotation is seen at once.
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<KeyRing>((o, keys) => o.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) => keys.ValidationKeys);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AdminApi.AdminPolicy, p => p.RequireClaim("role", "admin"))
            .AddPolicy(ChannelsApi.ManagePolicy, p => p.RequireAuthenticatedUser().AddRequirements(new ManageChannelsRequirement()));
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    context.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString("0");
                await Problems.Status(StatusCodes.Status429TooManyRequests, "Too many requests",
                    "Too many requests to the auth endpoints from this address; wait and try again.").ExecuteAsync(context.HttpContext);
            };
            o.AddPolicy(AuthApi.RateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.AuthRequestsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                }));
        });
        return builder;
    }

    /// <summary>The rate limiter middleware the auth endpoints' policy needs.</summary>
    public static WebApplication UseAuthRateLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }
}
