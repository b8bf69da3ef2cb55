using Chat.Auth;
using Chat.Shared.Http;
using Chat.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddMetadataStore();
builder.AddAuth();

var app = builder.Build();
app.UseServiceDefaults();
app.UseAuthRateLimits();
app.MapAuthApi();
app.RunOrExplain();
