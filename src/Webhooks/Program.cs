using Chat.Shared.Http;
using Chat.Webhooks;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddWebhooks();

var app = builder.Build();
app.UseServiceDefaults();
app.MapWebhooksApi();
app.RunOrExplain();
