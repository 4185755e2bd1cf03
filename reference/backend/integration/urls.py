from rest_framework.routers import SimpleRouter

from .views import IntegrationViewSet

router = SimpleRouter()
router.register("integrations", IntegrationViewSet, basename="integration")
urlpatterns = router.urls
