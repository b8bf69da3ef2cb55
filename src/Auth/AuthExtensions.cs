using Microsoft.AspNetCore.Authentication.JwtBearer;
using Chat.Shared.Http;

namespace Chat.Auth;

public static class AuthExtensions
{
    /// <summary>Token issuing, and the signing key handed to this process's token validation.</summary>
    public static IHostApplicationBuilder AddAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SigningKeys>();
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<PasswordHasher>();
        builder.Services.AddOptions<AuthOptions>()
            .Validate(o => o.PasswordHashCost is >= 4 and <= 31, "Auth:PasswordHashCost must be a bcrypt cost from 4 to 31 (12 or more outside load tests).")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AuthJsonContext.Default));
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeys>((o, keys) => o.TokenValidationParameters.IssuerSigningKeys = keys.ValidationKeys);
        return builder;
    }
}
