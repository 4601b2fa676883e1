-- Run once by the postgres image on an empty data volume: one database per service.
CREATE DATABASE reactivation_billing;
CREATE DATABASE reactivation_eligibility;
CREATE DATABASE reactivation_licensing;
CREATE DATABASE reactivation_notifications;
