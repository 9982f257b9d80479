//! The schema shapes of issue #8 between a generated client and the sandbox serving the
//! socialStatus contract: a request with an integer enum and a union beside properties is
//! accepted as the contract describes it, and the contract's example answer — a required
//! nullable `null`, a `oneOf` inside an `allOf`, extra properties — comes back typed, intact.

use std::path::Path;

use bcss_e2e::Harness;
use bcss_sandbox::SandboxConfig;
use bcss_social_status::types::{
    CertificateDeliveryOneOf, CertificateDeliveryReportOneOf, CertificatePriority,
    StatusCertificateRequest,
};
use serde_json::json;

const CONSULT: &str = "scope:cbss:api:socialStatus:consult";

async fn serving() -> Harness {
    let h = Harness::start_with(SandboxConfig {
        scopes: vec![CONSULT.into()],
        ..SandboxConfig::default()
    })
    .await;
    h.sandbox
        .serve_contract(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/socialStatus"))
        .expect("the sample contract is served");
    h
}

#[tokio::test]
async fn a_request_with_a_union_beside_properties_and_an_integer_enum_is_accepted() {
    let h = serving().await;
    let client = bcss_social_status::Client::new(&h.config()).unwrap();
    let request: StatusCertificateRequest = serde_json::from_value(json!({
        "ssin": "72021512380", "legalContext": "SOCIAL_WELFARE:INTEGRATION_INCOME",
        "referenceDate": "2025-01-01", "language": "fr", "priority": 2,
        "delivery": {"notificationEmail": "certificates@ocmw-gent.be", "eBoxLanguage": "fr"}}))
    .unwrap();
    assert_eq!(request.priority, Some(CertificatePriority::VALUE_2));
    let delivery = request.delivery.as_ref().unwrap();
    assert!(matches!(
        delivery.one_of,
        CertificateDeliveryOneOf::EBoxDelivery(_)
    ));
    let task = client
        .request_status_certificate(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(task.status(), 202);
    let call = h
        .gateway_requests()
        .into_iter()
        .find(|e| e.path.ends_with("/persons/statusCertificates"))
        .unwrap();
    assert_eq!(call.status, 202, "{:?}", call.detail);
}

#[tokio::test]
async fn an_answer_with_a_nullable_field_a_union_in_all_of_and_extra_properties_comes_back_typed() {
    let h = serving().await;
    let client = bcss_social_status::Client::new(&h.config()).unwrap();
    let id = "c2b7e1d0-9f3a-4c58-8e6d-a1b2c3d4e5f6".parse().unwrap();
    let certificate = client.get_status_certificate(id).send().await.unwrap();
    assert_eq!(certificate.status(), 200);
    // Required and nullable: present as `null`.
    assert_eq!(certificate.revoked_at, None);
    // `deliveredAt` (the struct) and `retentionDays` (the `oneOf` in its `allOf`) both kept.
    let delivery = certificate.delivery.as_ref().unwrap();
    assert_eq!(
        delivery.delivered_at.to_rfc3339(),
        "2025-03-14T10:15:12+01:00"
    );
    match &delivery.one_of {
        CertificateDeliveryReportOneOf::DownloadDelivery(d) => assert_eq!(d.retention_days, 7),
        other => panic!("{other:?}"),
    }
    // `additionalProperties: true`: the property the contract does not name is kept.
    let signature = certificate.signature.as_ref().unwrap();
    assert_eq!(signature.algorithm.as_deref(), Some("PAdES-B-LT"));
    assert_eq!(
        signature.additional_properties["signingCertificateSerial"],
        json!("4c3a2f1e0d9b8a7c")
    );
    // And all of it is written back as it came.
    let again = serde_json::to_value(&*certificate).unwrap();
    assert_eq!(again["revokedAt"], serde_json::Value::Null);
    assert_eq!(again["delivery"]["retentionDays"], json!(7));
    assert_eq!(
        again["signature"]["signingCertificateSerial"],
        json!("4c3a2f1e0d9b8a7c")
    );
}
